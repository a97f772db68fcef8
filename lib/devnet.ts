// The handle `up()` returns: what was created, how to reach it, and how to take it down again.

import { NotFoundError } from './errors.js';
import type { PackageOutput } from './kurtosis/package-output.js';
import type { UpTimings } from './lifecycle/timings.js';
import type { Backend, Endpoint, Service } from './models.js';

export interface DevnetInit {
  name: string;
  uuid: string;
  owner: string;
  backend: Backend;
  namespace?: string;
  services: Service[];
  endpoints: Endpoint[];
  output?: PackageOutput;
  expiresAt?: string;
  warnings: string[];
  /** Where `up`'s time went (filled in as `up` goes; complete once it returns). */
  timings?: UpTimings;
}

export type Teardown = () => Promise<void>;

export class Devnet implements AsyncDisposable {
  readonly name: string;
  readonly uuid: string;
  readonly owner: string;
  readonly backend: Backend;
  /** Kubernetes: the enclave's namespace. */
  readonly namespace: string | undefined;
  readonly services: Service[];
  /** Public endpoints: ingress URLs on Kubernetes, host ports on Docker. */
  readonly endpoints: Endpoint[];
  /** ethereum-package's output (participants, genesis, prefunded accounts). */
  readonly output: PackageOutput | undefined;
  readonly expiresAt: string | undefined;
  /** Non-fatal problems during `up` (e.g. an Ingress apply that failed). */
  readonly warnings: string[];
  /** Where `up`'s time went: total and per phase (cluster, enclave, run, discover, ingress, wait), ms. */
  readonly timings: UpTimings;
  #teardown: Teardown;
  #down: Promise<void> | undefined;

  /** Made by `up()`; `teardown` undoes what `up()` created. */
  constructor(init: DevnetInit, teardown: Teardown) {
    this.name = init.name;
    this.uuid = init.uuid;
    this.owner = init.owner;
    this.backend = init.backend;
    this.namespace = init.namespace;
    this.services = init.services;
    this.endpoints = init.endpoints;
    this.output = init.output;
    this.expiresAt = init.expiresAt;
    this.warnings = init.warnings;
    this.timings = init.timings ?? { totalMs: 0, phases: {} };
    this.#teardown = teardown;
  }

  service(name: string): Service {
    const service = this.services.find((s) => s.name === name);
    if (!service)
      throw new NotFoundError(
        'service',
        name,
        this.services.map((s) => s.name),
      );
    return service;
  }

  /**
   * The URL to reach `service`'s `port` from here: the public URL (ingress / host port) when there is
   * one, else the in-enclave address.
   */
  endpoint(service: string, port: string): string {
    const svc = this.service(service);
    const p = svc.ports.find((x) => x.name === port);
    if (!p)
      throw new NotFoundError(
        `port of ${service}`,
        port,
        svc.ports.map((x) => x.name),
      );
    return p.publicUrl ?? p.endpoint;
  }

  /** Destroys the devnet. Idempotent: later calls wait for the first. */
  down(): Promise<void> {
    this.#down ??= this.#teardown();
    return this.#down;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.down();
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      uuid: this.uuid,
      owner: this.owner,
      backend: this.backend,
      namespace: this.namespace,
      expiresAt: this.expiresAt,
      services: this.services,
      endpoints: this.endpoints,
      warnings: this.warnings,
      timings: this.timings,
    };
  }
}
