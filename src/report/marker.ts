/** Hidden marker that identifies bumpguard's sticky comment; forges treat it as opaque. */
export const MARKER = '<!-- bumpguard:report -->';
