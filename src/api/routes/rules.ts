import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RulesBody, RulesResult } from '../../render/schema.js';
import type { RouteContext } from '../context.js';
import { clientGone, problemFromTask } from '../run-task.js';
import { problemResponses } from '../schemas.js';

export function rulesRoutes(ctx: RouteContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/rules',
      {
        schema: {
          summary: 'Render the rules kube-proxy would program on a node',
          description:
            'iptables-save, nft list ruleset and ipvsadm -Ln text for the snapshot as the node’s kube-proxy writes them (pkg/proxy/{iptables,nftables,ipvs}/proxier.go), with counts. Compare them with your own node.',
          tags: ['rules'],
          body: RulesBody,
          response: { 200: RulesResult, ...problemResponses },
        },
      },
      async (request, reply) => {
        const result = await ctx.pool.run(
          { kind: 'rules', body: request.body, maxEvents: ctx.options.defaultMaxEvents },
          clientGone(request, reply),
        );
        if (!result.ok) throw problemFromTask(result);
        if (result.kind !== 'rules') throw new Error(`expected rules, got ${result.kind}`);
        return result.rules;
      },
    );
  };
}
