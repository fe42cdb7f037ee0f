export { AccountLinkingMetrics, ACCOUNT_LINKING_METRIC_NAMES } from './account-linking.metrics';
export type {
  AccountLinkEventLabel,
  LinkCardReason,
  LinkCheckResult,
  TokenFailureReason,
  TokenVerdict,
} from './account-linking.metrics';
