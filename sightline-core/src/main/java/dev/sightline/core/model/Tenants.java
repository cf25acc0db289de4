package dev.sightline.core.model;

/** Tenant names. Every stored row carries one; every read is scoped to one. */
public final class Tenants {
  /** The tenant of all data until authentication assigns another. */
  public static final String DEFAULT = "default";

  private Tenants() {}
}
