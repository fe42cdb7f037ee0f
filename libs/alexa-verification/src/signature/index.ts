export { SignatureVerifier } from './signature-verifier';
