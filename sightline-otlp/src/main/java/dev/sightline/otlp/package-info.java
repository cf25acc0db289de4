/**
 * OTLP ingestion, independent of any transport: decoding OTLP/JSON and OTLP/protobuf export
 * requests ({@link dev.sightline.otlp.OtlpJson}, {@link dev.sightline.otlp.OtlpProtobuf}),
 * validating and mapping them to the core model with partial success ({@link
 * dev.sightline.otlp.SpanMapper}, {@link dev.sightline.otlp.LogRecordMapper}, {@link
 * dev.sightline.otlp.MetricPointMapper}); protobuf trace requests decoded, validated and mapped in
 * one pass without the generated classes ({@link dev.sightline.otlp.ProtobufSpanDecoder}, the hot
 * path, equal to {@code SpanMapper} on the generated parse); and building the export responses
 * ({@link dev.sightline.otlp.OtlpResponses}).
 */
@NullMarked
package dev.sightline.otlp;

import org.jspecify.annotations.NullMarked;
