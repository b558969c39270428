/**
 * The TEE simulator: simulated AMD and Intel vendor roots kept in a state directory, and simulated SEV-SNP
 * reports and TDX quotes in the real binary formats, signed through those roots. Evidence it makes verifies only
 * for a verifier that was handed `trustAnchors()` explicitly; genuine trust stores never contain these roots.
 */
import type { Clock } from "@cocoon/core";
import { systemClock } from "@cocoon/core";
import type { TrustAnchors } from "@cocoon/evidence";
import { AmdHierarchy } from "./amd/hierarchy.ts";
import { SNP_PRODUCTS, type SnpProduct } from "./amd/products.ts";
import { IntelHierarchy } from "./intel/hierarchy.ts";
import {
  issueSnpReport,
  planSnpReport,
  type SimulatedSnpReport,
  type SnpReportOptions,
} from "./snp/report.ts";
import { defaultStateDir, StateDir } from "./state.ts";
import { issueTdxQuote, planTdxQuote, type SimulatedTdxQuote, type TdxQuoteOptions } from "./tdx/quote.ts";
import { snpTsmBackend, tdxTsmBackend } from "./tsm/backends.ts";
import { SimulatedTsm } from "./tsm/simulated.ts";
import { SimulatorInputError } from "./errors.ts";

export interface SimulatorOptions {
  /** State directory; default ~/.cocoon/simulator. */
  stateDir?: string;
  clock?: Clock;
}

export interface SimulatedSnpOptions extends SnpReportOptions {
  /** Product line of the simulated chip (default Milan). */
  product?: SnpProduct;
}

export class Simulator {
  readonly state: StateDir;
  readonly clock: Clock;
  private readonly amdByProduct = new Map<SnpProduct, Promise<AmdHierarchy>>();
  private intelHierarchy: Promise<IntelHierarchy> | undefined;

  private constructor(state: StateDir, clock: Clock) {
    this.state = state;
    this.clock = clock;
  }

  static async open(options: SimulatorOptions = {}): Promise<Simulator> {
    const state = await StateDir.open(options.stateDir ?? defaultStateDir());
    return new Simulator(state, options.clock ?? systemClock);
  }

  get stateDir(): string {
    return this.state.root;
  }

  /** The simulated AMD hierarchy and chip for a product line, created in the state directory on first use. */
  async amd(product: SnpProduct = "Milan"): Promise<AmdHierarchy> {
    if (!SNP_PRODUCTS.includes(product))
      throw new SimulatorInputError(`unknown SEV-SNP product ${String(product)}`);
    let hierarchy = this.amdByProduct.get(product);
    if (!hierarchy) {
      hierarchy = AmdHierarchy.open(this.state, product, this.clock.now());
      this.amdByProduct.set(product, hierarchy);
    }
    return hierarchy;
  }

  intel(): Promise<IntelHierarchy> {
    this.intelHierarchy ??= IntelHierarchy.open(this.state, this.clock.now());
    return this.intelHierarchy;
  }

  /** Options are checked before any key is loaded or created: a bad option mints nothing. */
  async snpReport(options: SimulatedSnpOptions = {}): Promise<SimulatedSnpReport> {
    const plan = planSnpReport(options.product ?? "Milan", options);
    return issueSnpReport(await this.amd(plan.product), plan, this.clock.now());
  }

  async tdxQuote(options: TdxQuoteOptions = {}): Promise<SimulatedTdxQuote> {
    const plan = planTdxQuote(options);
    return issueTdxQuote(await this.intel(), plan, this.clock.now());
  }

  /**
   * A simulated configfs-tsm serving this simulator's reports from `root` (the stand-in for
   * /sys/kernel/config/tsm/report). `launch` fixes what a booted guest cannot change: measurement, host data,
   * policy, TCB… REPORT_DATA comes from inblob and (SNP) VMPL from privlevel, per request.
   */
  async tsmDevice(
    root: string,
    launch:
      | ({ tee: "snp" } & Omit<SimulatedSnpOptions, "reportData" | "vmpl">)
      | ({ tee: "tdx" } & Omit<TdxQuoteOptions, "reportData">),
  ): Promise<SimulatedTsm> {
    // Bad launch options fail here, when the "VM" is set up, not at the guest's first report request.
    if (launch.tee === "snp") {
      const { tee: _tee, ...options } = launch;
      planSnpReport(options.product ?? "Milan", options);
      return SimulatedTsm.create(root, snpTsmBackend(this, options));
    }
    const { tee: _tee, ...options } = launch;
    planTdxQuote(options);
    return SimulatedTsm.create(root, tdxTsmBackend(this, options));
  }

  /**
   * The simulated roots as verifier trust anchors: one ARK per product line asked for (default all three) and
   * the simulated Intel SGX root. Hand these to a verifier only in development: they make simulated evidence pass.
   */
  async trustAnchors(products: readonly SnpProduct[] = SNP_PRODUCTS): Promise<TrustAnchors> {
    const amdRoots: Uint8Array[] = [];
    for (const product of products) amdRoots.push((await this.amd(product)).arkDer);
    return { amdRoots, intelRoots: [(await this.intel()).rootDer] };
  }

  /**
   * Trust anchors of the hierarchies that already exist in the state directory, creating nothing (a verifier
   * must not mint roots). `genuineRoots: false`: with these anchors only simulated evidence verifies.
   */
  async existingTrustAnchors(): Promise<TrustAnchors> {
    const amdRoots: Uint8Array[] = [];
    for (const product of SNP_PRODUCTS) {
      const ark = await this.state.readOptional(`amd/${product}/ca/ark.der`);
      if (ark) amdRoots.push(ark);
    }
    const root = await this.state.readOptional("intel/ca/root.der");
    return { amdRoots, intelRoots: root ? [root] : [], genuineRoots: false };
  }

  /**
   * Every certificate the simulator has issued so far (ASKs, VCEKs, ASVKs, VLEKs, PCK Platform CA, PCKs), for a
   * verifier given a bare report without its chain. Creates nothing.
   */
  async issuedCertificates(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    const add = async (rel: string): Promise<void> => {
      const der = await this.state.readOptional(rel);
      if (der) out.push(der);
    };
    for (const product of SNP_PRODUCTS) {
      await add(`amd/${product}/ca/ask.der`);
      for (const name of await this.state.list(`amd/${product}/vcek`)) {
        await add(`amd/${product}/vcek/${name}`);
      }
      await add(`amd/${product}/vlek-ca/asvk.der`);
      for (const name of await this.state.list(`amd/${product}/vlek`)) {
        await add(`amd/${product}/vlek/${name}`);
      }
    }
    await add("intel/ca/pck-ca.der");
    for (const name of await this.state.list("intel/pck")) await add(`intel/pck/${name}`);
    return out;
  }
}

/** Trust anchors of the simulator whose state lives in `stateDir` (default ~/.cocoon/simulator). */
export async function simulatedTrustAnchors(
  options: SimulatorOptions & { products?: readonly SnpProduct[] } = {},
): Promise<TrustAnchors> {
  const simulator = await Simulator.open(options);
  return simulator.trustAnchors(options.products);
}
