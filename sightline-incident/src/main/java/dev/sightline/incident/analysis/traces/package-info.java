/**
 * Trace analyses for an incident: the critical path of each trace and its comparison between bad
 * and baseline traces, attribute values over-represented in bad spans (BubbleUp), and errors
 * grouped by exception type and masked message.
 */
@NullMarked
package dev.sightline.incident.analysis.traces;

import org.jspecify.annotations.NullMarked;
