/**
 * jest setupFiles. aws-cdk-lib runs AWS's CloudFormation validator (a WebAssembly engine) at every
 * synth and reports its findings as warnings, which the tests that synthesize stacks to inspect
 * their templates never read: it tripled their CPU time. It is off for them (CDK_VALIDATION=false,
 * aws-cdk-lib README "Validation"); test/stacks/cloudformation-validate.test.ts turns it on and
 * asserts its report on every example environment. `cdk synth` always runs it.
 */
process.env.CDK_VALIDATION ??= 'false';
