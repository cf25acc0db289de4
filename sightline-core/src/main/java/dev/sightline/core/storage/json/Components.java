package dev.sightline.core.storage.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link TypedJson} documents for resources and scopes where no query filters inside them: {@code
 * {"a":{attributes},"d":dropped,"u":"schema url"}} and {@code
 * {"n":..,"v":..,"a":..,"d":..,"u":..}}. Empty members are left out. Many rows share one resource
 * or scope, and DuckDB's dictionary compression stores each distinct document once per row group.
 */
public final class Components {
  private Components() {}

  public static String resource(Resource resource) {
    return TypedJson.write(
        g -> {
          g.writeStartObject();
          if (!resource.attributes().isEmpty()) {
            g.writeFieldName("a");
            TypedJson.writeAttributes(g, resource.attributes());
          }
          if (resource.droppedAttributesCount() != 0) {
            g.writeNumberField("d", resource.droppedAttributesCount());
          }
          if (!resource.schemaUrl().isEmpty()) g.writeStringField("u", resource.schemaUrl());
          g.writeEndObject();
        });
  }

  public static Resource readResource(String json) {
    Attributes attributes = Attributes.empty();
    int dropped = 0;
    String schemaUrl = "";
    try (JsonParser p = TypedJson.parser(json)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "a" -> attributes = TypedJson.readAttributes(p);
          case "d" -> dropped = p.getIntValue();
          case "u" -> schemaUrl = p.getText();
          default -> throw new IOException("unknown resource field " + field);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Resource(attributes, dropped, schemaUrl);
  }

  public static String scope(InstrumentationScope scope) {
    return TypedJson.write(
        g -> {
          g.writeStartObject();
          if (!scope.name().isEmpty()) g.writeStringField("n", scope.name());
          if (!scope.version().isEmpty()) g.writeStringField("v", scope.version());
          if (!scope.attributes().isEmpty()) {
            g.writeFieldName("a");
            TypedJson.writeAttributes(g, scope.attributes());
          }
          if (scope.droppedAttributesCount() != 0) {
            g.writeNumberField("d", scope.droppedAttributesCount());
          }
          if (!scope.schemaUrl().isEmpty()) g.writeStringField("u", scope.schemaUrl());
          g.writeEndObject();
        });
  }

  public static InstrumentationScope readScope(String json) {
    String name = "";
    String version = "";
    Attributes attributes = Attributes.empty();
    int dropped = 0;
    String schemaUrl = "";
    try (JsonParser p = TypedJson.parser(json)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "n" -> name = p.getText();
          case "v" -> version = p.getText();
          case "a" -> attributes = TypedJson.readAttributes(p);
          case "d" -> dropped = p.getIntValue();
          case "u" -> schemaUrl = p.getText();
          default -> throw new IOException("unknown scope field " + field);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new InstrumentationScope(name, version, attributes, dropped, schemaUrl);
  }
}
