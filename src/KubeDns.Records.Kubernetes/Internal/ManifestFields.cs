namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// Finds the YAML node of a field named the way errors name it. Descriptor fields mostly have the manifest's
/// names; where the manifest may spell a field differently (<c>spec.clusterIP</c> for <c>spec.clusterIPs[0]</c>,
/// <c>status.podIP</c> for <c>status.podIPs[0]</c>), the usual spelling is tried too, and failing that the nearest
/// ancestor that exists.
/// </summary>
internal static class ManifestFields
{
    public static YamlTreeNode? Locate(YamlTreeNode root, string field)
    {
        if (root.Find(field) is { } exact)
        {
            return exact;
        }

        foreach (var alternative in Alternatives(field))
        {
            if (root.Find(alternative) is { } node)
            {
                return node;
            }
        }

        // The nearest ancestor that exists: spec.ports[2].name → spec.ports[2] → spec.ports → spec.
        var path = field;
        while (path.Length > 0)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return null;
            }

            path = path[..cut];
            if (root.Find(path) is { } ancestor)
            {
                return ancestor;
            }
        }

        return null;
    }

    /// <summary>
    /// The field as the manifest spells it, for errors: <c>spec.clusterIP</c> for <c>spec.clusterIPs[0]</c> when the
    /// file has only the singular field (the API server fills <c>clusterIPs[0]</c> from it), <c>status.podIPs[0].ip</c>
    /// or <c>status.podIP</c> for <c>status.podIPs[0]</c>. Other fields, and fields the file has, are returned as given.
    /// </summary>
    public static string AsWritten(YamlTreeNode root, string field)
    {
        if (root.Find(field) is not null)
        {
            return field;
        }

        foreach (var alternative in Alternatives(field))
        {
            // Only a spelling of the same value: spec.clusterIP is clusterIPs[0], never clusterIPs[1].
            var same = field is "spec.clusterIPs" or "spec.clusterIPs[0]" or "status.podIPs" or "status.podIPs[0]"
                || alternative == field + ".ip";
            if (same && root.Find(alternative) is not null)
            {
                return alternative;
            }
        }

        return field;
    }

    private static IEnumerable<string> Alternatives(string field)
    {
        if (field.StartsWith("spec.clusterIPs", StringComparison.Ordinal))
        {
            yield return "spec.clusterIP";
        }

        if (field.StartsWith("status.podIPs[", StringComparison.Ordinal))
        {
            yield return field + ".ip";
            yield return "status.podIP";
        }
    }
}
