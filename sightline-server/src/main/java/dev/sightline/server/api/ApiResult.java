package dev.sightline.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.MediaType;
import dev.sightline.query.ApiResponse;
import java.util.Objects;

/**
 * What a handler answers; the layer ({@link ApiRoutes}) turns it into the HTTP response, so status
 * lines, content types and JSON writing are the same for every route.
 */
public sealed interface ApiResult {
  /** A JSON body written by {@link ApiJson}. */
  record Json(int status, ApiJson.Body body) implements ApiResult {
    public Json {
      Objects.requireNonNull(body, "body");
    }
  }

  /** A JSON answer already rendered by {@code sightline-query} (same style: Jackson, compact). */
  record Rendered(ApiResponse response) implements ApiResult {
    public Rendered {
      Objects.requireNonNull(response, "response");
    }
  }

  /** 204 without a body. */
  record NoContent() implements ApiResult {}

  /** 200 with a text body of {@code mediaType} (the Markdown post-mortem). */
  record Text(MediaType mediaType, String text) implements ApiResult {
    public Text {
      Objects.requireNonNull(mediaType, "mediaType");
      Objects.requireNonNull(text, "text");
    }
  }

  /** {@code result} with one more response header (a {@code Set-Cookie}, a challenge). */
  record WithHeader(ApiResult result, String name, String value) implements ApiResult {
    public WithHeader {
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** This answer with the response header {@code name: value} added. */
  default ApiResult withHeader(CharSequence name, String value) {
    return new WithHeader(this, name.toString(), value);
  }

  /** 200 with {@code body}. */
  static ApiResult ok(ApiJson.Body body) {
    return new Json(200, body);
  }

  /** {@code status} with {@code body}. */
  static ApiResult json(int status, ApiJson.Body body) {
    return new Json(status, body);
  }

  /** {@code status} with a Jackson tree, written through the same generator. */
  static ApiResult tree(int status, JsonNode tree) {
    Objects.requireNonNull(tree, "tree");
    return new Json(status, g -> g.writeTree(tree));
  }

  /** A query answer of {@code sightline-query}, with its own status (errors included). */
  static ApiResult of(ApiResponse response) {
    return new Rendered(response);
  }

  static ApiResult noContent() {
    return new NoContent();
  }

  static ApiResult text(MediaType mediaType, String text) {
    return new Text(mediaType, text);
  }
}
