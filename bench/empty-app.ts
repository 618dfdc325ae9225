import { App, Stack } from 'aws-cdk-lib';

/**
 * The baseline of `npm run bench:synth`: the smallest app `cdk synth` accepts (one stack with
 * nothing in it; an app without stacks fails "This app contains no stacks"), run by the same
 * runner and cdk.json settings as bin/app.ts.
 */
const app = new App();
new Stack(app, 'Empty');
app.synth();
