// Label and field selectors for lists and watches. Pure parsing and matching.

export {
  type LabelRequirement,
  parseLabelSelector,
  labelSelectorToRequirements,
  matchesLabels,
  labelSelectorMatches,
  formatLabelSelector,
} from "./label-selector.js";
export { type FieldRequirement, parseFieldSelector, matchesFields } from "./field-selector.js";
