import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { COMMON_BUNDLING } from '../../infra/function-bundling.ts';
import { checkPaths } from '../../src/engine/check-paths.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Finding, Resource } from '../../src/types.ts';
import {
  CATALOGUE_INDEX,
  catalogueKindsOf,
  loadCatalogueSchemas,
} from '../../src/validate/schema/load-catalogue-schemas.ts';
import { parseSchemaFiles } from '../../src/validate/schema/parse-schema-files.ts';
import { validateResources } from '../../src/validate/validate-resources.ts';
import { runFerry } from '../helpers/run-ferry.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'crd-catalogue');
const UPSTREAM = join(FIXTURES, 'upstream');

function parseFile(path: string, name = path): Resource[] {
  const parsed = parseManifests(readFileSync(path, 'utf8'), name);
  expect(parsed.findings).toEqual([]);
  return parsed.resources;
}

function parseText(text: string, file = 'k8s/x.yaml'): Resource[] {
  const parsed = parseManifests(text, file);
  expect(parsed.findings).toEqual([]);
  return parsed.resources;
}

async function validateWithCatalogue(
  resources: Resource[],
  extra: Partial<Parameters<typeof validateResources>[1]> = {},
): Promise<Finding[]> {
  return validateResources(resources, {
    kubernetesVersion: '1.34',
    rules: [],
    catalogue: await loadCatalogueSchemas(resources),
    ...extra,
  });
}

const brief = (f: Finding) => `${f.file}:${f.line}:${f.severity}:${f.message}`;

describe('the built-in CRD catalogue', () => {
  it('holds the AI platform kinds the issue names, with their source release', () => {
    for (const key of [
      'serving.kserve.io/InferenceService',
      'sparkoperator.k8s.io/SparkApplication',
      'sparkoperator.k8s.io/ScheduledSparkApplication',
      'scheduling.run.ai/Queue',
      'serving.kserve.io/ServingRuntime',
      'serving.kserve.io/ClusterServingRuntime',
      'serving.kserve.io/InferenceGraph',
      'serving.kserve.io/LLMInferenceService',
      'argoproj.io/Rollout',
      'argoproj.io/AnalysisTemplate',
      'argoproj.io/ClusterAnalysisTemplate',
      'argoproj.io/AnalysisRun',
      'argoproj.io/Experiment',
      'networking.istio.io/VirtualService',
      'networking.istio.io/DestinationRule',
      'networking.istio.io/Gateway',
      'networking.istio.io/ServiceEntry',
      'gateway.networking.k8s.io/HTTPRoute',
      'gateway.networking.k8s.io/GRPCRoute',
      'gateway.networking.k8s.io/Gateway',
      'gateway.networking.k8s.io/GatewayClass',
      'serving.knative.dev/Service',
      'serving.knative.dev/Route',
      'serving.knative.dev/Configuration',
      'keda.sh/ScaledObject',
      'keda.sh/ScaledJob',
      'keda.sh/TriggerAuthentication',
      'ray.io/RayCluster',
      'ray.io/RayService',
      'ray.io/RayJob',
      'kubeflow.org/PyTorchJob',
      'trainer.kubeflow.org/TrainJob',
      'leaderworkerset.x-k8s.io/LeaderWorkerSet',
      'kueue.x-k8s.io/ClusterQueue',
      'kueue.x-k8s.io/LocalQueue',
      'batch.volcano.sh/Job',
      'machinelearning.seldon.io/SeldonDeployment',
      'monitoring.coreos.com/ServiceMonitor',
      'monitoring.coreos.com/PodMonitor',
      'monitoring.coreos.com/PrometheusRule',
      'cert-manager.io/Certificate',
      'cert-manager.io/ClusterIssuer',
      'external-secrets.io/ExternalSecret',
      'bitnami.com/SealedSecret',
      'kustomize.toolkit.fluxcd.io/Kustomization',
      'helm.toolkit.fluxcd.io/HelmRelease',
      'source.toolkit.fluxcd.io/GitRepository',
      'argoproj.io/Application',
      'argoproj.io/ApplicationSet',
      'argoproj.io/AppProject',
      'inference.networking.k8s.io/InferencePool',
      'inference.networking.x-k8s.io/InferenceObjective',
      'llm-d.ai/InferenceObjective',
      'gateway.envoyproxy.io/EnvoyProxy',
      'gateway.envoyproxy.io/BackendTrafficPolicy',
      'gateway.envoyproxy.io/ClientTrafficPolicy',
      'gateway.envoyproxy.io/SecurityPolicy',
      'gateway.envoyproxy.io/Backend',
      'gateway.envoyproxy.io/EnvoyExtensionPolicy',
      'gateway.envoyproxy.io/EnvoyPatchPolicy',
      'gateway.envoyproxy.io/HTTPRouteFilter',
      'aigateway.envoyproxy.io/AIGatewayRoute',
      'aigateway.envoyproxy.io/AIServiceBackend',
      'aigateway.envoyproxy.io/BackendSecurityPolicy',
      'aigateway.envoyproxy.io/MCPRoute',
      'kaito.sh/Workspace',
      'kaito.sh/InferenceSet',
      'kaito.sh/RAGEngine',
      'model.aibrix.ai/ModelAdapter',
      'orchestration.aibrix.ai/RayClusterFleet',
      'orchestration.aibrix.ai/StormService',
      'orchestration.aibrix.ai/KVCache',
      'autoscaling.aibrix.ai/PodAutoscaler',
      'nvidia.com/ClusterPolicy',
      'nvidia.com/NVIDIADriver',
      'apps.nvidia.com/NIMService',
      'apps.nvidia.com/NIMCache',
      'kubeai.org/Model',
      'llmaz.io/OpenModel',
      'inference.llmaz.io/Playground',
      'karpenter.sh/NodePool',
      'karpenter.sh/NodeClaim',
      'karpenter.k8s.aws/EC2NodeClass',
      'jobset.x-k8s.io/JobSet',
      'kubeflow.org/MPIJob',
      'elbv2.k8s.aws/TargetGroupBinding',
      'elbv2.k8s.aws/IngressClassParams',
    ]) {
      expect(CATALOGUE_INDEX[key], key).toBeDefined();
      expect(CATALOGUE_INDEX[key]?.source, key).toMatch(/ v?\d+\.\d+\.\d+$|knative-v\d/);
    }
    expect(CATALOGUE_INDEX['serving.kserve.io/InferenceService']).toEqual({
      file: 'serving.kserve.io_InferenceService',
      versions: ['v1beta1'],
      scope: 'Namespaced',
      source: 'KServe v0.20.0',
    });
    expect(CATALOGUE_INDEX['cert-manager.io/ClusterIssuer']?.scope).toBe('Cluster');
  });

  const samples = readdirSync(UPSTREAM).filter((f) => f.endsWith('.yaml'));

  it('has real upstream samples of at least a dozen projects', () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
  });

  it.each(samples)('validates the upstream sample %s with no schema finding', async (name) => {
    const resources = parseFile(join(UPSTREAM, name), name);
    const custom = resources.filter((r) => r.apiVersion.includes('.') && !r.apiVersion.includes('k8s.io/'));
    // Every custom kind in the sample has a catalogue schema (Gateway API groups end in k8s.io).
    expect(catalogueKindsOf(resources).length).toBeGreaterThan(0);
    expect(custom.every((r) => catalogueKindsOf([r]).length === 1)).toBe(true);
    const findings = await validateWithCatalogue(resources);
    expect(findings.map(brief)).toEqual([]);
  });

  // One copy of an upstream sample per project with a single planted mistake (broken/README.md).
  it.each([
    [
      'gie-inferencepool.yaml',
      '11:error:spec.targetPorts[0].number: expected integer, got string (write 3000 without quotes)',
    ],
    [
      'envoy-gateway-backendtrafficpolicy.yaml',
      '18:error:spec.admissionControl.minSucessRate: unknown field (did you mean "minSuccessRate"?)',
    ],
    ['ai-gateway-basic.yaml', '51:error:spec.parentRef: unknown field (did you mean "parentRefs"?)'],
    ['kaito-workspace.yaml', '6:error:resource.instanceTypes: unknown field (did you mean "instanceType"?)'],
    [
      'aibrix-podautoscaler.yaml',
      '14:error:spec.scalingStrategy: unsupported value "APX" (did you mean "APA"?)',
    ],
    [
      'gpu-operator-clusterpolicy.yaml',
      '21:error:spec.mig.strategy: unsupported value "singel" (did you mean "single"?)',
    ],
    ['nim-operator-nimservice.yaml', '43:error:spec.replica: unknown field (did you mean "replicas"?)'],
    ['kubeai-model.yaml', '9:error:spec.engine: unsupported value "Ollama" (did you mean "OLlama"?)'],
    [
      'karpenter-general-purpose.yaml',
      '42:error:spec.subnetSelectorTerms[0].tag: unknown field (did you mean "tags"?)',
    ],
    [
      'jobset-pytorch-resnet.yaml',
      '12:error:spec.replicatedJobs[0].template.spec.parallelism: expected integer, got string (write 4 without quotes)',
    ],
    ['mpi-operator-pi.yaml', '6:error:spec.slotPerWorker: unknown field (did you mean "slotsPerWorker"?)'],
    [
      'prometheus-operator-prometheus-thanos.yaml',
      '9:error:spec.replica: unknown field (did you mean "replicas"?)',
    ],
    [
      'alb-targetgroupbinding.yaml',
      '16:error:spec.networking.ingress[0].ports[0].protocol: unsupported value "TPC" (did you mean "TCP"?)',
    ],
    [
      'spark-operator-spark-pi.yaml',
      '50:error:spec.executor.instance: unknown field (did you mean "instances"?)',
    ],
    [
      'kai-scheduler-default-queues.yaml',
      '12:error:spec.resources.cpu.overQuotaWieght: unknown field (did you mean "overQuotaWeight"?)',
    ],
  ])('reports the planted mistake in the broken copy of %s', async (name, expected) => {
    const file = `broken/${name}`;
    const findings = await validateWithCatalogue(parseFile(join(FIXTURES, file), file));
    expect(findings.map(brief)).toEqual([`${file}:${expected}`]);
  });

  it('catches planted mistakes in a KServe InferenceService on their lines', async () => {
    const file = 'planted/inferenceservice.yaml';
    const findings = await validateWithCatalogue(parseFile(join(FIXTURES, file), file));
    expect(findings.map(brief)).toEqual([
      `${file}:8:error:spec.predictor.minReplicas: expected integer, got string (write 2 without quotes)`,
      `${file}:13:error:spec.predictor.model.resourcse: unknown field (did you mean "resources"?)`,
    ]);
  });

  it('catches planted mistakes in an Argo Rollout and an Istio VirtualService on their lines', async () => {
    const rollout = 'planted/rollout.yaml';
    const vs = 'planted/virtualservice.yaml';
    const findings = await validateWithCatalogue([
      ...parseFile(join(FIXTURES, rollout), rollout),
      ...parseFile(join(FIXTURES, vs), vs),
    ]);
    expect(findings.map(brief)).toEqual([
      `${rollout}:22:error:spec.strategy.canary.steps[0].setWieght: unknown field (did you mean "setWeight"?)`,
      `${rollout}:24:error:spec.strategy.canary.steps[1].pause.duration: expected integer or string, got boolean`,
      // A missing field is reported on its parent's line.
      `${vs}:15:error:spec.http[0].route[1].destination.host: required field missing`,
      `${vs}:16:error:spec.http[0].route[1].destination.hots: unknown field (did you mean "host"?)`,
    ]);
  });

  it('warns of a version the catalogue release does not serve, with the served ones: another release may serve it', async () => {
    const findings = await validateWithCatalogue(
      parseText('apiVersion: serving.kserve.io/v1alpha1\nkind: InferenceService\nmetadata: {name: old}\n'),
    );
    expect(findings.map(brief)).toEqual([
      "k8s/x.yaml:2:warning:serving.kserve.io/v1alpha1 InferenceService is not served by KServe v0.20.0 CRD (served: serving.kserve.io/v1beta1), the release Ferry's catalogue holds, so it is not validated; if your cluster runs a release that serves it, add its CRD to the repo or to schemas:",
    ]);
    // Envoy AI Gateway's examples use BackendTLSPolicy v1alpha3, which Gateway API's experimental
    // channel (as Envoy Gateway installs it) serves and the catalogue's standard channel does not.
    const tls = await validateWithCatalogue(
      parseText(
        'apiVersion: gateway.networking.k8s.io/v1alpha3\nkind: BackendTLSPolicy\nmetadata: {name: p}\nspec: {}\n',
      ),
    );
    expect(tls.map((f) => f.severity)).toEqual(['warning']);
  });

  it('checks each MPIJob version against the release that serves it: v1 the Training Operator, v2beta1 the MPI Operator', async () => {
    // A cluster installs one mpijobs.kubeflow.org CRD or the other; the catalogue holds both releases.
    expect(CATALOGUE_INDEX['kubeflow.org/MPIJob']).toEqual({
      file: 'kubeflow.org_MPIJob',
      versions: ['v1', 'v2beta1'],
      scope: 'Namespaced',
      source: 'Kubeflow Training Operator v1 v1.9.0',
      sources: { v2beta1: 'MPI Operator v0.8.0' },
    });
    const mpiJob = (version: string, spec: string) =>
      `apiVersion: kubeflow.org/${version}\nkind: MPIJob\nmetadata: {name: m}\nspec:\n${spec}`;
    const findings = await validateWithCatalogue(
      parseText(
        [
          // launcherCreationPolicy and sshAuthMountPath are v2beta1's; v1 has neither.
          mpiJob(
            'v2beta1',
            '  launcherCreationPolicy: WaitForWorkersReady\n  sshAuthMountPath: /home/mpiuser/.ssh\n  mpiReplicaSpecs: {}\n',
          ),
          mpiJob('v1', '  sshAuthMountPath: /root/.ssh\n  mpiReplicaSpecs: {}\n'),
          mpiJob('v2beta1', '  mpiImplementation: OpenMP\n  mpiReplicaSpecs: {}\n'),
          mpiJob('v1alpha2', '  mpiReplicaSpecs: {}\n'),
        ].join('---\n'),
      ),
    );
    expect(findings.map(brief)).toEqual([
      "k8s/x.yaml:13:error:spec.sshAuthMountPath: unknown field (not in Kubeflow Training Operator v1 v1.9.0 CRD, the release Ferry's catalogue holds: if your cluster runs another release, add its CRD to the repo or to schemas:)",
      'k8s/x.yaml:20:error:spec.mpiImplementation: unsupported value "OpenMP" (did you mean "OpenMPI"?)',
      "k8s/x.yaml:24:warning:kubeflow.org/v1alpha2 MPIJob is not served by Kubeflow Training Operator v1 v1.9.0 CRD or MPI Operator v0.8.0 CRD (served: kubeflow.org/v1, kubeflow.org/v2beta1), the release Ferry's catalogue holds, so it is not validated; if your cluster runs a release that serves it, add its CRD to the repo or to schemas:",
    ]);
  });

  it("accepts a JobSet failure policy rule without a name, as JobSet's webhook names it before the schema is checked", async () => {
    // kubernetes-sigs/jobset v0.12.0 pkg/webhooks/jobset_webhook.go defaults it to failurePolicyRuleN;
    // the CRD lists name as required, and the API server validates after mutating admission.
    const jobSet = (rule: string) =>
      parseText(
        `apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata: {name: j}\nspec:\n  failurePolicy:\n    rules:\n    - ${rule}\n  replicatedJobs: []\n`,
      );
    expect(await validateWithCatalogue(jobSet('{action: FailJobSet}'))).toEqual([]);
    expect((await validateWithCatalogue(jobSet('{name: r}'))).map(brief)).toEqual([
      'k8s/x.yaml:7:error:spec.failurePolicy.rules[0].action: required field missing',
    ]);
  });

  it("names the catalogue's release on an unknown field with no near name: another release may have it", async () => {
    // llmaz's Envoy AI Gateway examples were written for an older AI Gateway, whose AIGatewayRoute had
    // spec.schema; a misspelling still gets its did-you-mean alone.
    const findings = await validateWithCatalogue(
      parseText(
        'apiVersion: aigateway.envoyproxy.io/v1alpha1\nkind: AIGatewayRoute\nmetadata: {name: r, namespace: ai}\nspec:\n  schema: {name: OpenAI}\n  rules: []\n  parentRefz: []\n',
      ),
    );
    expect(findings.map(brief)).toEqual([
      "k8s/x.yaml:5:error:spec.schema: unknown field (not in Envoy AI Gateway v1.1.0 CRD, the release Ferry's catalogue holds: if your cluster runs another release, add its CRD to the repo or to schemas:)",
      'k8s/x.yaml:7:error:spec.parentRefz: unknown field (did you mean "parentRefs"?)',
    ]);
  });

  it('lets a CRD in the repo override the catalogue for that kind, at every version', async () => {
    const resources = [
      ...parseFile(join(FIXTURES, 'repo-crd/crd.yaml'), 'repo-crd/crd.yaml'),
      ...parseFile(join(FIXTURES, 'repo-crd/isvc.yaml'), 'repo-crd/isvc.yaml'),
    ];
    // v1alpha2 is not in the catalogue (it serves v1beta1) but the repo's CRD serves it, loosely.
    expect(await validateWithCatalogue(resources)).toEqual([]);
    // And the catalogue's v1beta1 no longer applies: the repo's CRD decides what is served.
    const v1beta1 = parseText(
      'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: new}\nspec: {predictor: {}}\n',
    );
    const findings = await validateWithCatalogue([...resources, ...v1beta1]);
    expect(findings.map(brief)).toEqual([
      'k8s/x.yaml:2:error:serving.kserve.io/v1beta1 InferenceService is not served by CustomResourceDefinition inferenceservices.serving.kserve.io (served: serving.kserve.io/v1alpha2)',
    ]);
  });

  it('lets a configured schema file (schemas:) override the catalogue', async () => {
    const crd = readFileSync(join(FIXTURES, 'repo-crd/crd.yaml'), 'utf8');
    const extraSchemas = parseSchemaFiles([{ path: 'schemas/kserve.yaml', text: crd }]);
    const isvc = parseFile(join(FIXTURES, 'repo-crd/isvc.yaml'), 'repo-crd/isvc.yaml');
    expect(await validateWithCatalogue(isvc, { extraSchemas })).toEqual([]);
    // Without the override the catalogue says its release does not serve v1alpha2.
    expect((await validateWithCatalogue(isvc)).map((f) => f.severity)).toEqual(['warning']);
  });

  it('says "no schema" once per kind as an info, however many objects use it', async () => {
    const widgets = (n: number, file: string) =>
      parseText(
        Array.from(
          { length: n },
          (_, i) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w${i}}\n`,
        ).join('---\n'),
        file,
      );
    const gadget = parseText('apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n', 'k8s/g.yaml');
    const findings = await validateWithCatalogue([
      ...widgets(3, 'k8s/a.yaml'),
      ...widgets(2, 'k8s/b.yaml'),
      ...gadget,
    ]);
    expect(findings.map(brief)).toEqual([
      'k8s/a.yaml:2:info:not validated: no schema for example.com/v1 Widget (add its CRD to the repo or to schemas:)',
      'k8s/g.yaml:2:info:not validated: no schema for example.com/v1 Gadget (add its CRD to the repo or to schemas:)',
    ]);
  });

  it('warns with a did-you-mean for a near miss of a catalogue kind, not for other kinds of its group', async () => {
    const findings = await validateWithCatalogue(
      parseText(
        'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceSevice\nmetadata: {name: a}\n---\napiVersion: serving.kserve.io/v1beta1\nkind: InferenceSevice\nmetadata: {name: a2}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: b}\n',
      ),
    );
    expect(findings.map((f) => `${f.severity}:${f.message}`)).toEqual([
      'warning:not validated: no schema for serving.kserve.io/v1beta1 InferenceSevice (did you mean "InferenceService"? otherwise add its CRD to the repo or to schemas:)',
      'info:not validated: no schema for argoproj.io/v1alpha1 Workflow (add its CRD to the repo or to schemas:)',
    ]);
  });

  it('does not reject a kind the catalogue lacks in a catalogue apiVersion (it holds a few kinds of each project)', async () => {
    // volcano-sh/volcano's example/cronjob: batch.volcano.sh/v1alpha1 serves CronJob since v1.13, but the
    // catalogue holds only its Job; neither "use batch/v1" nor a did-you-mean of another kind is right.
    const findings = await validateWithCatalogue(
      parseText(
        [
          'apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: j}\nspec: {tasks: [{name: t, replicas: 1}]}\n',
          'apiVersion: batch.volcano.sh/v1alpha1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: "*/5 * * * *"}\n',
        ].join('---\n'),
      ),
    );
    expect(findings.map((f) => `${f.severity}:${f.message}`)).toEqual([
      'info:not validated: no schema for batch.volcano.sh/v1alpha1 CronJob (add its CRD to the repo or to schemas:)',
    ]);
  });

  it('says a document in an undotted API group no cluster serves is not a Kubernetes object', async () => {
    // substratusai/kubeai's skaffold.yaml files; a CRD cannot add such a group, so "add its CRD" is wrong.
    const findings = await validateWithCatalogue(
      parseText(
        [
          'apiVersion: skaffold/v4beta11\nkind: Config\nmetadata: {name: kubeai}\n',
          'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
          'apiVersion: apps/v9\nkind: Gadget\nmetadata: {name: g}\n',
        ].join('---\n'),
      ),
    );
    expect(findings.map((f) => `${f.severity}:${f.message}`)).toEqual([
      "error:skaffold/v4beta11 Config is not a Kubernetes object: no cluster serves the API group skaffold (a custom resource's group has a dot, such as example.com), so kubectl apply refuses it; if it is another tool's file, keep it out of the target",
      'info:not validated: no schema for example.com/v1 Widget (add its CRD to the repo or to schemas:)',
      'info:not validated: no schema for apps/v9 Gadget (add its CRD to the repo or to schemas:)',
    ]);
  });

  it("reports unserved versions of built-in groups as errors naming the versions served as of the pinned release, not as the cluster's release", async () => {
    const text = [
      'apiVersion: apps/v1beta3\nkind: Deployment\nmetadata: {name: a}\n',
      'apiVersion: scheduling.k8s.io/v1alpha1\nkind: PriorityClass\nmetadata: {name: b}\nvalue: 1\n',
      'apiVersion: node.k8s.io/v1alpha1\nkind: RuntimeClass\nmetadata: {name: c}\nhandler: runc\n',
      'apiVersion: v2\nkind: Pod\nmetadata: {name: d}\n',
      'apiVersion: batch/v2\nkind: CronJob\nmetadata: {name: e}\n',
      'apiVersion: policy/v1alpha1\nkind: PodDisruptionBudget\nmetadata: {name: f}\n',
      'apiVersion: networking.k8s.io/v2\nkind: Ingress\nmetadata: {name: g}\n',
      'apiVersion: autoscaling/v3\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n',
    ].join('---\n');
    const findings = await validateWithCatalogue(parseText(text));
    expect(findings.map((f) => `${f.severity}:${f.message}`)).toEqual([
      'error:apps/v1beta3 Deployment is not a version Kubernetes serves (apps/v1 is, as of Kubernetes 1.36)',
      'error:scheduling.k8s.io/v1alpha1 PriorityClass is not a version Kubernetes serves (scheduling.k8s.io/v1 is, as of Kubernetes 1.36)',
      'error:node.k8s.io/v1alpha1 RuntimeClass is not a version Kubernetes serves (node.k8s.io/v1 is, as of Kubernetes 1.36)',
      'error:v2 Pod is not a version Kubernetes serves (v1 is, as of Kubernetes 1.36)',
      'error:batch/v2 CronJob is not a version Kubernetes serves (batch/v1 is, as of Kubernetes 1.36)',
      'error:policy/v1alpha1 PodDisruptionBudget is not a version Kubernetes serves (policy/v1 is, as of Kubernetes 1.36)',
      'error:networking.k8s.io/v2 Ingress is not a version Kubernetes serves (networking.k8s.io/v1 is, as of Kubernetes 1.36)',
      'error:autoscaling/v3 HorizontalPodAutoscaler is not a version Kubernetes serves (autoscaling/v1 and autoscaling/v2 are, as of Kubernetes 1.36)',
    ]);
  });

  it('keeps versions Kubernetes serves without a pinned schema (betas, gated alphas) as not validated', async () => {
    const findings = await validateWithCatalogue(
      parseText('apiVersion: resource.k8s.io/v1beta2\nkind: ResourceClaim\nmetadata: {name: gpu}\n'),
    );
    expect(findings.map((f) => `${f.severity}:${f.message}`)).toEqual([
      'info:not validated: no schema for resource.k8s.io/v1beta2 ResourceClaim (add its CRD to the repo or to schemas:)',
    ]);
  });

  it('loads only the kinds a set uses', async () => {
    const resources = parseFile(join(FIXTURES, 'planted/rollout.yaml'), 'rollout.yaml');
    expect(catalogueKindsOf(resources)).toEqual(['argoproj.io/Rollout']);
    const loaded = await loadCatalogueSchemas(resources);
    expect(loaded.kinds.map((k) => `${k.apiVersion}/${k.kind}:${k.origin}`)).toEqual([
      'argoproj.io/v1alpha1/Rollout:catalogue',
    ]);
    // Kinds inside a List are found too; built-in and unknown kinds are not the catalogue's.
    const list = parseText(
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {name: s}}\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n- {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}\n',
    );
    expect(catalogueKindsOf(list)).toEqual(['keda.sh/ScaledObject']);
  });

  it('is used by the engine (checkPaths) for plain files', async () => {
    const result = await checkPaths({
      root: ROOT,
      paths: ['test/fixtures/crd-catalogue/planted/inferenceservice.yaml'],
      kubernetesVersion: '1.34',
    });
    const schema = result.findings.filter((f) => f.rule === 'schema');
    expect(schema.map((f) => `${f.line}:${f.message}`)).toEqual([
      '8:spec.predictor.minReplicas: expected integer, got string (write 2 without quotes)',
      '13:spec.predictor.model.resourcse: unknown field (did you mean "resources"?)',
    ]);
  });
});

describe('the built CLI with the catalogue', () => {
  it('validates KServe, Argo Rollouts and Istio objects (each kind a chunk of its own)', () => {
    const r = runFerry(['validate', 'test/fixtures/crd-catalogue/planted', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as { findings: Finding[] };
    const schema = findings.filter((f) => f.rule === 'schema');
    expect(schema.map((f) => `${f.file.split('/').pop()}:${f.line}:${f.message}`)).toEqual([
      'inferenceservice.yaml:8:spec.predictor.minReplicas: expected integer, got string (write 2 without quotes)',
      'inferenceservice.yaml:13:spec.predictor.model.resourcse: unknown field (did you mean "resources"?)',
      'rollout.yaml:22:spec.strategy.canary.steps[0].setWieght: unknown field (did you mean "setWeight"?)',
      'rollout.yaml:24:spec.strategy.canary.steps[1].pause.duration: expected integer or string, got boolean',
      'virtualservice.yaml:15:spec.http[0].route[1].destination.host: required field missing',
      'virtualservice.yaml:16:spec.http[0].route[1].destination.hots: unknown field (did you mean "host"?)',
    ]);
    const chunks = readdirSync(join(ROOT, 'dist', 'cli', 'chunks'));
    for (const file of ['serving.kserve.io_InferenceService', 'argoproj.io_Rollout', 'ray.io_RayJob']) {
      expect(chunks.filter((c) => c.startsWith(`${file}-`)).length, file).toBe(1);
    }
  });
});

describe('the catalogue in a Lambda-style bundle (one file, no code splitting)', () => {
  it('is bundled and loads the kinds a set uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-catalogue-bundle-'));
    try {
      const entry = join(dir, 'entry.ts');
      const src = (p: string) => JSON.stringify(join(ROOT, 'src', p));
      writeFileSync(
        entry,
        [
          `import { parseManifests } from ${src('manifest/parse-manifests.ts')};`,
          `import { loadCatalogueSchemas } from ${src('validate/schema/load-catalogue-schemas.ts')};`,
          `import { validateResources } from ${src('validate/validate-resources.ts')};`,
          `const { resources } = parseManifests(${JSON.stringify(readFileSync(join(FIXTURES, 'planted/inferenceservice.yaml'), 'utf8'))}, 'isvc.yaml');`,
          'const catalogue = await loadCatalogueSchemas(resources);',
          "const findings = validateResources(resources, { kubernetesVersion: '1.34', rules: [], catalogue });",
          "process.stdout.write(JSON.stringify(findings.map((f) => f.line + ':' + f.message)));",
        ].join('\n'),
      );
      const outfile = join(dir, 'index.mjs');
      // The Lambda functions' settings (infra/function-bundling.ts), as bench/lambda.bench.ts uses them.
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        format: COMMON_BUNDLING.format,
        platform: COMMON_BUNDLING.platform,
        target: COMMON_BUNDLING.target,
        minify: COMMON_BUNDLING.minify,
        mainFields: [...COMMON_BUNDLING.mainFields],
        banner: { js: COMMON_BUNDLING.banner },
        alias: { ...COMMON_BUNDLING.alias },
        logLevel: 'error',
      });
      // One file: the catalogue's kinds are inside it, none beside it.
      expect(readdirSync(dir).sort()).toEqual(['entry.ts', 'index.mjs']);
      const r = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual([
        '8:spec.predictor.minReplicas: expected integer, got string (write 2 without quotes)',
        '13:spec.predictor.model.resourcse: unknown field (did you mean "resources"?)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
