/** The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json points here). See docs/deploy-aws.md. */
import { App } from 'aws-cdk-lib';
import { FerryStack, stackPropsOf } from './ferry-stack.ts';
import { loadStackConfig } from './load-stack-config.ts';

const app = new App();
const config = loadStackConfig((key) => app.node.tryGetContext(key));
const account = process.env.CDK_DEFAULT_ACCOUNT;

new FerryStack(app, config.stackName, {
  description: 'Ferry: GitOps for AI systems on Kubernetes (GitHub App control plane)',
  // No region and no credentials (a fresh clone, offline): an environment-agnostic template.
  ...(config.region ? { env: { region: config.region, ...(account ? { account } : {}) } } : {}),
  ...stackPropsOf(config),
});
