// The selection guide of the source document as code: rules G1–G7, checks C1–C7, their combination into
// a choice, what the answer adds beyond the document, and the recommendation next to a simulation.
export { combineRules, currentConfig, describeChoice } from './choice.js';
export { type FirstPacketCost, firstPacketCost } from './cost.js';
export {
  CHECKS,
  evaluateCheck,
  evaluateGuide,
  evaluateRule,
  type GuideInput,
  type GuideResult,
  guideContext,
  RULES,
} from './evaluate.js';
export { guideNotes } from './notes.js';
export {
  type Objective,
  type RankedCandidate,
  Recommendation,
  recommendation,
  type SimulationInput,
} from './recommend.js';
export {
  CheckId,
  CheckResult,
  DocumentSource,
  GuideChoice,
  GuideNote,
  Recommends,
  RuleId,
  RuleResult,
  Severity,
} from './schema.js';
export {
  DEFAULT_GUIDE_THRESHOLDS,
  GuideThresholds,
  type GuideThresholdsInput,
  GuideThresholdsUsed,
  profileOptions,
} from './thresholds.js';
export type { Check, CheckFinding, GuideContext, Rule, RuleOutcome } from './types.js';
export { type IpvsAvailability, type IpvsStatus, ipvsAvailability, nftablesSummary } from './version.js';
