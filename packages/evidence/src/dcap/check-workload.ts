/** Workload policy checks: debug TDs/enclaves, TD attributes, MR_SERVICETD, REPORT_DATA (research §8 step 23). */
import { allZero, hex, type Context } from "./context.ts";
import type { DcapQuote } from "./quote.ts";
import { checkName, namesOf } from "./check-names.ts";

/** TD_ATTRIBUTES bits that must be zero: 7:1 (TUD reserved), 27:8, 29, 62:32 (dcap-qvl TDAttributes::parse). */
const TD_ATTRIBUTES_RESERVED = ((): bigint => {
  let mask = 0n;
  for (let b = 1; b <= 27; b++) mask |= 1n << BigInt(b);
  mask |= 1n << 29n;
  for (let b = 32; b <= 62; b++) mask |= 1n << BigInt(b);
  return mask;
})();
/** TD_ATTRIBUTES.SEPT_VE_DISABLE (bit 28). */
const SEPT_VE_DISABLE = 1n << 28n;
/** SGX ATTRIBUTES.DEBUG: bit 1 of the flags (Intel SDM Vol. 3D, SECS.ATTRIBUTES). */
const SGX_ATTRIBUTE_DEBUG = 0x02;

export function checkWorkload(ctx: Context, q: DcapQuote): void {
  const { log, p, options } = ctx;
  let reportData: Uint8Array;
  if (q.body.kind === "sgx") {
    const debug = (q.body.attributes[0]! & SGX_ATTRIBUTE_DEBUG) !== 0;
    if (debug && options.allowDebug)
      log.pass(namesOf(p)["debug"], "debug enclave allowed by options.allowDebug");
    else
      log.expect(namesOf(p)["debug"], !debug, "a production enclave (ATTRIBUTES.DEBUG = 0)", "debug enclave");
    reportData = q.body.reportData;
  } else {
    const ta = q.body.tdAttributes;
    const attrs = new DataView(ta.buffer, ta.byteOffset, ta.byteLength).getBigUint64(0, true);
    const debug = (attrs & 1n) === 1n;
    if (debug && options.allowDebug) log.pass(namesOf(p)["debug"], "debug TD allowed by options.allowDebug");
    else log.expect(namesOf(p)["debug"], !debug, "a production TD (TD_ATTRIBUTES.DEBUG = 0)", "debug TD");
    const reserved = attrs & TD_ATTRIBUTES_RESERVED;
    log.expect(
      namesOf(p)["td_attributes.reserved"],
      reserved === 0n,
      "reserved TD_ATTRIBUTES bits zero",
      `0x${reserved.toString(16)}`,
    );
    if (options.requireSeptVeDisable) {
      log.expect(
        namesOf(p)["td_attributes.sept_ve_disable"],
        (attrs & SEPT_VE_DISABLE) !== 0n,
        "SEPT_VE_DISABLE set",
        "not set",
      );
    }
    if (q.body.mrServiceTd && !options.allowMrServiceTd) {
      log.expect(
        namesOf(p)["mr_service_td"],
        allZero(q.body.mrServiceTd),
        "MR_SERVICETD all zero (no service TD bound)",
        hex(q.body.mrServiceTd),
      );
    }
    reportData = q.body.reportData;
  }
  checkExpectedValues(ctx, q);
  if (options.expectedReportData) {
    const want = Buffer.alloc(64);
    Buffer.from(options.expectedReportData).copy(want, 0, 0, 64);
    const ok = options.expectedReportData.length <= 64 && Buffer.compare(want, Buffer.from(reportData)) === 0;
    log.expect(namesOf(p)["report_data"], ok, want.toString("hex"), hex(reportData));
  }
}

function expectBytes(ctx: Context, name: string, want: Uint8Array | undefined, got: Uint8Array): void {
  if (want === undefined) return;
  ctx.log.expect(checkName(ctx.p, name), Buffer.from(want).equals(Buffer.from(got)), hex(want), hex(got));
}

/** Compares the measured identity with the expected values the caller gave (F11 of research §6). */
function checkExpectedValues(ctx: Context, q: DcapQuote): void {
  const want = ctx.options.expected;
  if (want === undefined) return;
  const b = q.body;
  if (b.kind === "sgx") {
    expectBytes(ctx, "mr_enclave", want.mrEnclave, b.mrEnclave);
    expectBytes(ctx, "mr_signer", want.mrSigner, b.mrSigner);
    if (want.isvProdId !== undefined)
      ctx.log.expect(
        namesOf(ctx.p)["isv_prod_id"],
        b.isvProdId === want.isvProdId,
        `${want.isvProdId}`,
        `${b.isvProdId}`,
      );
    if (want.minIsvSvn !== undefined)
      ctx.log.expect(
        namesOf(ctx.p)["isv_svn"],
        b.isvSvn >= want.minIsvSvn,
        `≥ ${want.minIsvSvn}`,
        `${b.isvSvn}`,
      );
    return;
  }
  expectBytes(ctx, "mr_td", want.mrTd, b.mrTd);
  want.rtmrs?.forEach((rtmr, i) => {
    if (i < 4) expectBytes(ctx, `rtmr${i}`, rtmr, b.rtmr[i as 0 | 1 | 2 | 3]);
    else if (rtmr !== undefined) ctx.log.fail(`${ctx.p}.rtmr${i}`, "RTMR index 0..3", `index ${i}`);
  });
  expectBytes(ctx, "mr_config_id", want.mrConfigId, b.mrConfigId);
  expectBytes(ctx, "mr_owner", want.mrOwner, b.mrOwner);
  expectBytes(ctx, "mr_owner_config", want.mrOwnerConfig, b.mrOwnerConfig);
  expectBytes(ctx, "xfam", want.xfam, b.xfam);
}
