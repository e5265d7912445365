/**
 * KServe v1beta1 InferenceService layout (serving.kserve.io), shared by the rules and the diff summary.
 * Source: KServe's InferenceService API reference.
 */

/** The components of an InferenceService; each is a pod spec plus the component's own fields. */
export const KSERVE_COMPONENTS = ['predictor', 'transformer', 'explainer'] as const;

/** A predictor's model specs: `model` and the older `predictor.<framework>` forms, each a Container inline. */
export const KSERVE_PREDICTOR_SPECS = [
  'model',
  'sklearn',
  'xgboost',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'pmml',
  'lightgbm',
  'paddle',
  'huggingface',
] as const;
