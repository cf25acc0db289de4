package dev.sightline.server.auth;

import java.util.Set;

/** Who a request was authenticated as: a token's public fields, never its secret. */
public record Principal(String tokenId, String name, String tenant, Set<Role> roles) {
  public Principal {
    roles = Set.copyOf(roles);
  }

  /** True when the token has {@code role} or {@link Role#ADMIN}. */
  public boolean has(Role role) {
    return roles.contains(Role.ADMIN) || roles.contains(role);
  }
}
