/**
 * OpenSLO v1 specifications: the model ({@link Slo}, {@link Sli}, {@link Service}, {@link
 * AlertPolicy}, {@link AlertCondition}, {@link AlertNotificationTarget}) and {@link SloLoader},
 * which reads a folder of YAML files into the valid specs plus a list of {@link SloProblem}s.
 */
@NullMarked
package dev.sightline.slo;

import org.jspecify.annotations.NullMarked;
