/** Server configuration from defaults, a YAML file, environment variables and flags. */
@NullMarked
package dev.sightline.server.config;

import org.jspecify.annotations.NullMarked;
