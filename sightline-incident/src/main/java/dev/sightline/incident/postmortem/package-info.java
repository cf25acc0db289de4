/** Post-mortem documents of incidents. */
@NullMarked
package dev.sightline.incident.postmortem;

import org.jspecify.annotations.NullMarked;
