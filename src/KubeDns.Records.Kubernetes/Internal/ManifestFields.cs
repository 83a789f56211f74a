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
