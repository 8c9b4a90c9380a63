// A short, bounded burst of the shop's catalogue and checkout flows, sent through Prism in proxy mode (docs/api.md,
// "Prism proxy"): Prism checks every request and response against the OpenAPI document and names each violation in
// an sl-violations header. Usage: node prism-burst.mjs PROXY_URL [CUSTOMERS] [ROUNDS]
// Prints each violation and ends with "prism: N requests, N violations"; exits 1 on any violation or failed flow.
const [proxy, customersArg = '6', roundsArg = '2'] = process.argv.slice(2);
const apiKey = process.env.SHOP_API_KEY ?? 'demo-admin-key-change-me';
if (!proxy) {
  console.error('usage: node prism-burst.mjs PROXY_URL [CUSTOMERS] [ROUNDS]');
  process.exit(2);
}

let requests = 0;
const violations = [];
const broken = [];
const statuses = new Map();

async function send(method, path, { headers = {}, body } = {}) {
  requests++;
  const response = await fetch(new URL(path, proxy), {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  // Counted per operation: ids (numbers, GUIDs, 32-hex wallet ids) folded into {id}, the query left out.
  const operation = path.replace(/\?.*/, '').split('/').map((segment) => (/^(\d+|[0-9a-f-]{32,36})$/i.test(segment) ? '{id}' : segment)).join('/');
  const key = `${method} ${operation} ${response.status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const found = response.headers.get('sl-violations');
  if (found) {
    for (const v of JSON.parse(found)) {
      violations.push(`${method} ${path} → ${response.status}: [${v.severity}] ${v.location?.join('.') ?? ''} ${v.message}`);
    }
  }
  return { status: response.status, headers: response.headers, json: () => JSON.parse(text), text };
}

function expect(what, answer, ...ok) {
  if (!ok.includes(answer.status)) {
    broken.push(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    return false;
  }
  return true;
}

const admin = { 'x-api-key': apiKey };

async function shopper(n, round) {
  const tag = `${process.pid}-${n}-${round}-${Date.now()}`;
  const email = `prism-${tag}@example.com`;
  const password = `Prism-burst-${tag}-password`;

  // Catalogue: the list, a product, a conditional re-read, the product page, stock and reviews.
  const list = await send('GET', `/api/products?page=${1 + (n % 3)}&pageSize=20`);
  expect('GET /api/products', list, 200);
  const productId = 1 + ((n * 7 + round) % 60);
  const product = await send('GET', `/api/products/${productId}`);
  if (expect('GET /api/products/{id}', product, 200)) {
    expect('GET /api/products/{id} with If-None-Match', await send('GET', `/api/products/${productId}`, { headers: { 'if-none-match': product.headers.get('etag') } }), 304);
  }
  expect('GET /api/products/{id}/page', await send('GET', `/api/products/${productId}/page`), 200);
  expect('GET /api/inventory/{productId}', await send('GET', `/api/inventory/${productId}`), 200);
  expect('GET /api/reviews/{productId}', await send('GET', `/api/reviews/${productId}`), 200);

  // Checkout: sign up, sign in, place an order (the payment stand-in is a closed port, so it may fail: any documented
  // answer is fine, the document is what is checked), read it back, the history, rewards and notifications.
  if (!expect('POST /api/users', await send('POST', '/api/users', { body: { email, displayName: `Prism ${n}`, password } }), 201, 200)) return;
  const signIn = await send('POST', '/api/users/sign-in', { body: { email, password } });
  if (!expect('POST /api/users/sign-in', signIn, 200)) return;
  const { accessToken, customerId } = signIn.json();
  const customer = { authorization: `Bearer ${accessToken}` };
  expect('GET /api/users/me', await send('GET', '/api/users/me', { headers: customer }), 200);
  const order = await send('POST', '/api/orders', {
    headers: { ...customer, 'idempotency-key': `prism-order-${tag}` },
    body: { customerId, items: [{ productId, quantity: 1 }], cardToken: 'tok_visa', shippingPostcode: '10115' },
  });
  if (expect('POST /api/orders', order, 202)) {
    expect('GET /api/orders/{id}', await send('GET', `/api/orders/${order.json().id ?? order.json().orderId}`, { headers: customer }), 200);
  }
  expect('GET /api/customers/{id}/orders', await send('GET', `/api/customers/${customerId}/orders`, { headers: customer }), 200);
  expect('GET /api/rewards/{userId}', await send('GET', `/api/rewards/${customerId}`, { headers: customer }), 200);
  expect('GET /api/notifications', await send('GET', `/api/notifications?userId=${customerId}`, { headers: customer }), 200);

  // Refusals a client meets with a well-formed request: their problems must match the document too.
  expect('GET /api/products/{id} unknown', await send('GET', '/api/products/999999'), 404);
  expect('GET /api/products bad page', await send('GET', '/api/products?page=0'), 400);
  expect('GET /api/orders/{id} unknown', await send('GET', `/api/orders/${crypto.randomUUID()}`, { headers: customer }), 404);
  expect('GET /api/wallets/{id} unknown', await send('GET', `/api/wallets/unknown-${tag}`, { headers: customer }), 404);
  expect('POST /api/orders quantity 0', await send('POST', '/api/orders', {
    headers: { ...customer, 'idempotency-key': `prism-zero-${tag}` },
    body: { items: [{ productId, quantity: 0 }], cardToken: 'tok_visa', shippingPostcode: '10115' },
  }), 422);

  // Wallet: open, deposit, withdraw, overdraw, read.
  const wallet = await send('POST', '/api/wallets', { headers: { ...customer, 'idempotency-key': `prism-wallet-${tag}` }, body: { ownerName: `Prism ${n}`, ownerEmail: email } });
  if (expect('POST /api/wallets', wallet, 201, 200)) {
    const id = wallet.json().id;
    expect('POST /api/wallets/{id}/deposits', await send('POST', `/api/wallets/${id}/deposits`, { headers: { ...customer, 'idempotency-key': `prism-deposit-${tag}` }, body: { amountCents: 2_000 } }), 200);
    expect('POST /api/wallets/{id}/withdrawals', await send('POST', `/api/wallets/${id}/withdrawals`, { headers: { ...customer, 'idempotency-key': `prism-withdrawal-${tag}` }, body: { amountCents: 500 } }), 200);
    expect('POST /api/wallets/{id}/withdrawals beyond the balance', await send('POST', `/api/wallets/${id}/withdrawals`, { headers: { ...customer, 'idempotency-key': `prism-overdraw-${tag}` }, body: { amountCents: 1_000_000 } }), 409);
    expect('GET /api/wallets/{id}', await send('GET', `/api/wallets/${id}`, { headers: customer }), 200);
  }
}

async function operator() {
  expect('GET /health/live', await send('GET', '/health/live'), 200);
  expect('GET /health/ready', await send('GET', '/health/ready'), 200, 503);
  expect('GET /admin/dlq/depth', await send('GET', '/admin/dlq/depth', { headers: admin }), 200);
  expect('GET /admin/projections', await send('GET', '/admin/projections', { headers: admin }), 200);
  expect('GET /api/payments/reconciliations', await send('GET', '/api/payments/reconciliations', { headers: admin }), 200);
  expect('GET /admin/dlq/{id} unknown', await send('GET', '/admin/dlq/unknown', { headers: admin }), 404);
  expect('POST /admin/dlq/{id}/redrive unknown', await send('POST', '/admin/dlq/unknown/redrive', { headers: admin }), 404);
  expect('POST /admin/projections/{name}/rebuild unknown', await send('POST', '/admin/projections/unknown/rebuild', { headers: admin }), 404);
}

const customers = Number(customersArg);
const rounds = Number(roundsArg);
try {
  await operator();
  for (let round = 0; round < rounds; round++) {
    // The customers of a round shop at once: the proxy and the shop see concurrent flows, not one request at a time.
    await Promise.all(Array.from({ length: customers }, (_, n) => shopper(n, round)));
  }
  await operator();
} catch (e) {
  broken.push(`the burst itself: ${e.message}`);
}

for (const [key, count] of [...statuses].sort()) console.log(`  ${String(count).padStart(4)}  ${key}`);
for (const v of violations) console.log(`VIOLATION ${v}`);
for (const b of broken) console.log(`BROKEN ${b}`);
console.log(`prism: ${requests} requests, ${violations.length} violations, ${broken.length} broken flows`);
process.exit(violations.length === 0 && broken.length === 0 ? 0 : 1);
