export { AccountLinkingMetrics, ACCOUNT_LINKING_METRIC_NAMES } from './account-linking.metrics';
export type {
  AccountLinkEventLabel,
  LinkCardReason,
  LinkCheckResult,
  TokenFailureReason,
} from './account-linking.metrics';
