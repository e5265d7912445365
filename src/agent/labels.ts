/** Labels and annotations the agent reads and writes on managed objects. */
export const TARGET_LABEL = 'ferry.dev/target';
/** The revision that last changed the object (not rewritten when a commit leaves the object as it was). */
export const REVISION_ANNOTATION = 'ferry.dev/revision';
/** `enabled`: on an immutable-field change, delete and recreate the object (training Jobs). */
export const RECREATE_ANNOTATION = 'ferry.dev/recreate';
