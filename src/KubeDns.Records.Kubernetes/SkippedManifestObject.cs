namespace KubeDns.Records.Kubernetes;

/// <summary>
/// An object <see cref="ClusterManifest"/> read but did not use, because cluster DNS does not use its kind: a
/// Deployment, a ConfigMap, a custom resource. Only Namespaces, Services, EndpointSlices, Endpoints and Pods are read.
/// </summary>
public sealed class SkippedManifestObject
{
    private readonly string _description;

    internal SkippedManifestObject(string apiVersion, string kind, string ns, string name, string description)
    {
        ApiVersion = apiVersion;
        Kind = kind;
        Namespace = ns;
        Name = name;
        _description = description;
    }

    /// <summary>The object's <c>apiVersion</c>, such as <c>apps/v1</c>; empty when the object gave none.</summary>
    public string ApiVersion { get; }

    /// <summary>The object's <c>kind</c>, such as <c>Deployment</c>.</summary>
    public string Kind { get; }

    /// <summary>The namespace it was read into (the manifest's, else <see cref="ManifestOptions.DefaultNamespace"/>); empty when unknown.</summary>
    public string Namespace { get; }

    /// <summary>The object's <c>metadata.name</c>; empty when it has none.</summary>
    public string Name { get; }

    /// <summary>
    /// Where the object was read and why it was skipped, such as
    /// <c>get.yaml: document 1, items[1] (Deployment kiada/kiada): skipped: cluster DNS does not use apps/v1 Deployment</c>.
    /// </summary>
    /// <returns>The description.</returns>
    public override string ToString() => _description;
}
