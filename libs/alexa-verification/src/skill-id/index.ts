export { SkillIdValidator } from './skill-id-validator';
