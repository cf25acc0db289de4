/**
 * Authentication and authorization: bearer tokens from the {@code --auth-file} ({@link
 * dev.sightline.server.auth.TokenFile}, {@link dev.sightline.server.auth.TokenStore}), UI sessions
 * ({@link dev.sightline.server.auth.SessionStore}), and the decorators every listener gets ({@link
 * dev.sightline.server.auth.AuthDecorator}, {@link dev.sightline.server.auth.HostCheck}).
 */
@NullMarked
package dev.sightline.server.auth;

import org.jspecify.annotations.NullMarked;
