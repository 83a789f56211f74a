using System.Globalization;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>Where an object came from: file, document number, list item, and its YAML node for positions.</summary>
internal sealed class ObjectSource(string file, int document, int? item, YamlTreeNode? node)
{
    public string File { get; } = file;

    public int Document { get; } = document;

    public int? Item { get; } = item;

    public YamlTreeNode? Node { get; } = node;

    /// <summary><c>kiada.yaml: document 3</c> or <c>ns.yaml: document 1, items[2]</c>.</summary>
    public override string ToString() => Item is int i
        ? string.Create(CultureInfo.InvariantCulture, $"{File}: document {Document}, items[{i}]")
        : string.Create(CultureInfo.InvariantCulture, $"{File}: document {Document}");

    /// <summary>The position of a field, such as <c> (line 12, column 15)</c>, or empty when it cannot be found.</summary>
    public string PositionOf(string field)
    {
        if (Node is null)
        {
            return string.Empty;
        }

        var node = ManifestFields.Locate(Node, field);
        return node is null ? string.Empty : Position(node.Start);
    }

    /// <summary>The field as the manifest spells it (<see cref="ManifestFields.AsWritten"/>); as given without a node.</summary>
    public string FieldAsWritten(string field) => Node is null ? field : ManifestFields.AsWritten(Node, field);

    public static string Position(YamlDotNet.Core.Mark mark) =>
        string.Create(CultureInfo.InvariantCulture, $" (line {mark.Line}, column {mark.Column})");
}

/// <summary>One Kubernetes object read from a manifest (or given as a model), with its identity and source.</summary>
/// <param name="Kind">The kind: Service, EndpointSlice, Endpoints, Pod or Namespace.</param>
/// <param name="Namespace">The namespace; empty for a Namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Model">The KubernetesClient model.</param>
/// <param name="Source">Where it was read; null for objects given as models.</param>
internal sealed record ManifestObject(string Kind, string Namespace, string Name, object Model, ObjectSource? Source)
{
    /// <summary><c>Service kiada/quote</c>, <c>Namespace kiada</c>: the way the core names objects in errors.</summary>
    public string Label => LabelOf(Kind, Namespace, Name);

    public static string LabelOf(string kind, string ns, string name) =>
        ns.Length == 0 ? $"{kind} {name}" : $"{kind} {ns}/{name}";
}
