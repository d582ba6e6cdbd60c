import { concurrency } from '/work/wt/api-hardening/test/adversarial/concurrency';
const clients = Number(process.argv[2] ?? 1);
const r = await concurrency({
  full: false,
  seed: 5,
  log: (s) => console.log(s),
  clients,
  seconds: 10,
});
console.log(JSON.stringify(r, null, 1));
