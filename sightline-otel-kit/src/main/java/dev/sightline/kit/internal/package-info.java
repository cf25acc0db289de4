/** Implementation helpers shared by the kit's packages; not part of its API. */
@NullMarked
package dev.sightline.kit.internal;

import org.jspecify.annotations.NullMarked;
