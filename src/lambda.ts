// AWS Lambda entry: the same app behind API Gateway (HTTP API v2 or REST v1 events).
import awsLambdaFastify from '@fastify/aws-lambda';
import { buildApp } from './api/app.js';
import { optionsFromEnv } from './api/config.js';

const app = await buildApp(optionsFromEnv());
export const handler = awsLambdaFastify(app);
await app.ready();
