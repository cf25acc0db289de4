package dev.sightline.query;

import java.nio.charset.StandardCharsets;

/** A rendered query API response: HTTP status and a JSON body. */
public record ApiResponse(int status, byte[] json) {
  public String body() {
    return new String(json, StandardCharsets.UTF_8);
  }
}
