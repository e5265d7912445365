/** The rules read manifests with the same narrowing readers as the pod-spec finder. */
export * from '../../manifest/as-record.ts';
