/**
 * API keys, through the admin API of a running edgeinfer (`npm run dev` by default).
 *
 *   npm run keys -- create --account NAME [--plan free|standard|prepaid] [--url URL]
 *   npm run keys -- list   --account NAME [--url URL]
 *   npm run keys -- revoke --account NAME --id KEY_ID [--url URL]
 *
 * `create` makes the account first when it does not exist, and prints the new key: it is shown this once, only its
 * hash is stored. The admin token comes from $ADMIN_TOKEN, or from .dev.vars (which `npm run dev` writes).
 */
import { parseArgs } from "node:util";
import { printUsage, runMain } from "./cli.ts";
import { readDevVars } from "./dev-vars.ts";

const DEFAULT_URL = "http://127.0.0.1:8787";

interface Options {
  url: string;
  token: string;
}

async function adminCall(
  o: Options,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(`${o.url}/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${o.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new Error(
      `cannot reach ${o.url} (${String(err)}): is \`npm run dev\` running? Use --url for another server.`,
    );
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json };
}

function explain(r: { status: number; json: Record<string, unknown> }): string {
  const error = r.json.error as { message?: string } | undefined;
  return `${r.status}: ${error?.message ?? JSON.stringify(r.json)}`;
}

export async function createKey(o: Options, account: string, plan: string | undefined) {
  const created = await adminCall(o, "POST", "/accounts", { name: account, ...(plan ? { plan } : {}) });
  if (created.status !== 201 && created.status !== 409)
    throw new Error(`creating account '${account}': ${explain(created)}`);
  const key = await adminCall(o, "POST", `/accounts/${encodeURIComponent(account)}/keys`);
  if (key.status !== 201) throw new Error(`creating a key: ${explain(key)}`);
  return { accountCreated: created.status === 201, key: key.json.key as string, id: key.json.id as string };
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      account: { type: "string" },
      plan: { type: "string" },
      id: { type: "string" },
      url: { type: "string", default: DEFAULT_URL },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    printUsage(import.meta.url);
    return;
  }
  const token = process.env.ADMIN_TOKEN ?? readDevVars().ADMIN_TOKEN;
  if (!token) throw new Error("no admin token: set ADMIN_TOKEN, or run `npm run dev` once to create .dev.vars");
  const o: Options = { url: (values.url ?? DEFAULT_URL).replace(/\/$/, ""), token };
  const account = values.account;
  if (!account) throw new Error(`${command} needs --account NAME`);
  switch (command) {
    case "create": {
      const made = await createKey(o, account, values.plan);
      if (made.accountCreated)
        console.error(`created account '${account}'${values.plan ? ` on plan ${values.plan}` : ""}`);
      else if (values.plan)
        console.error(
          `account '${account}' exists; its plan is unchanged (PATCH /admin/accounts/${account} to change it)`,
        );
      console.error(`key ${made.id} (shown once, keep it secret):`);
      console.log(made.key);
      return;
    }
    case "list": {
      const r = await adminCall(o, "GET", `/accounts/${encodeURIComponent(account)}/keys`);
      if (r.status !== 200) throw new Error(explain(r));
      for (const k of r.json.keys as { id: string; prefix: string; created: string; revoked: string | null }[]) {
        console.log(`${k.id}  ${k.prefix}…  created ${k.created}${k.revoked ? `  REVOKED ${k.revoked}` : ""}`);
      }
      return;
    }
    case "revoke": {
      if (!values.id) throw new Error("revoke needs --id KEY_ID (see `npm run keys -- list`)");
      const r = await adminCall(
        o,
        "DELETE",
        `/accounts/${encodeURIComponent(account)}/keys/${encodeURIComponent(values.id)}`,
      );
      if (r.status !== 200) throw new Error(explain(r));
      console.log(`revoked ${values.id}`);
      return;
    }
    default:
      throw new Error(`unknown command '${command}' (commands: create, list, revoke)`);
  }
}

await runMain(import.meta.url, "keys", main);
