/**
 * OTLP ingestion, independent of any transport: decoding OTLP/JSON and OTLP/protobuf export
 * requests ({@link dev.sightline.otlp.OtlpJson}, {@link dev.sightline.otlp.OtlpProtobuf}),
 * validating and mapping them to the core model with partial success ({@link
 * dev.sightline.otlp.SpanMapper}, {@link dev.sightline.otlp.LogRecordMapper}, {@link
 * dev.sightline.otlp.MetricPointMapper}), and building the export responses ({@link
 * dev.sightline.otlp.OtlpResponses}).
 */
@NullMarked
package dev.sightline.otlp;

import org.jspecify.annotations.NullMarked;
