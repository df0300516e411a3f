package dev.modelserving.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for artifact locations given as URIs of a remote file system ({@code s3://bucket/key},
 * {@code hdfs://namenode:8020/path}, {@code gs://bucket/key}). A location is compared with the allowed URI roots as a
 * string prefix, so it must be in one canonical form and nothing in it may move it elsewhere once a file system
 * decodes it: it needs a scheme, an authority and an absolute path; user info, query and fragment are refused; path
 * segments {@code .} and {@code ..}, empty segments, backslashes and any percent-encoding ({@code %2e%2e},
 * {@code %2f}, ...) are refused. Scheme and authority are compared in lower case.
 */
public final class ReferenceUris {

    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*", Pattern.DOTALL);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private ReferenceUris() {}

    /** Whether a location names a remote URI (a scheme other than {@code file:}), not a local path. */
    public static boolean isRemote(String location) {
        return SCHEME.matcher(location).matches() && !location.regionMatches(true, 0, "file:", 0, "file:".length());
    }

    /** Whether {@code sha256} is 64 lower-case hex digits. */
    public static boolean isSha256(String sha256) {
        return SHA256.matcher(sha256).matches();
    }

    /** The canonical form of a location, or a {@link ModelProblem#LOCATION_NOT_ALLOWED} saying what is wrong. */
    public static URI location(String location) throws ModelLoadException {
        URI uri = parse(location);
        String path = uri.getRawPath();
        if (path.endsWith("/")) {
            throw notAllowed(location, "names a directory; a reference names one file (an archive for a SavedModel)");
        }
        return uri;
    }

    /** The canonical form of an allowed root, ending in {@code /} so that a prefix match stops at a segment. */
    public static URI root(URI root) {
        try {
            URI uri = parse(root.toString());
            String path = uri.getRawPath().endsWith("/") ? uri.getRawPath() : uri.getRawPath() + "/";
            return new URI(uri.getScheme() + "://" + uri.getRawAuthority() + path);
        } catch (ModelLoadException | URISyntaxException e) {
            throw new IllegalArgumentException(
                    "not an allowed model root URI: " + root + " (" + e.getMessage() + ")", e);
        }
    }

    /** Whether {@code location} (canonical) lies under one of {@code roots} (canonical). */
    public static boolean under(URI location, List<URI> roots) {
        String candidate = location.toString();
        for (URI root : roots) {
            if (candidate.startsWith(root.toString())) {
                return true;
            }
        }
        return false;
    }

    private static URI parse(String location) throws ModelLoadException {
        if (location.indexOf('%') >= 0) {
            throw notAllowed(location, "contains percent-encoding, which could hide '..' or '/'");
        }
        if (location.indexOf('\\') >= 0) {
            throw notAllowed(location, "contains a backslash");
        }
        for (int i = 0; i < location.length(); i++) {
            if (Character.isISOControl(location.charAt(i)) || Character.isWhitespace(location.charAt(i))) {
                throw notAllowed(location, "contains a control or space character");
            }
        }
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw notAllowed(location, "is not a URI: " + e.getMessage());
        }
        if (uri.isOpaque() || uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw notAllowed(location, "needs the form scheme://authority/path");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw notAllowed(location, "may not carry user info, a query or a fragment");
        }
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/") || path.length() < 2) {
            throw notAllowed(location, "has no absolute path");
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..") || (segment.isEmpty() && !last)) {
                throw notAllowed(location, "has a '.', '..' or empty path segment");
            }
        }
        try {
            return new URI(uri.getScheme().toLowerCase(Locale.ROOT)
                    + "://"
                    + uri.getRawAuthority().toLowerCase(Locale.ROOT)
                    + path);
        } catch (URISyntaxException e) {
            throw notAllowed(location, "is not a URI: " + e.getMessage());
        }
    }

    private static ModelLoadException notAllowed(String location, String why) {
        return new ModelLoadException(ModelProblem.LOCATION_NOT_ALLOWED, "artifact location " + location + " " + why);
    }
}
