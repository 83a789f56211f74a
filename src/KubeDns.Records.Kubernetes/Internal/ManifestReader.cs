using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using YamlDotNet.Core;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// Reads manifests: files and folders, YAML or JSON, several documents per file, <c>kind: List</c> and typed lists
/// (<c>ServiceList</c>). Each object is handed to KubernetesClient on its own (its loader fails a whole file on one
/// unknown kind or a List), with its source text padded so that error positions are file positions. Objects of
/// kinds cluster DNS does not use are skipped and listed (<see cref="Skipped"/>). Errors name file, document, object and field.
/// </summary>
internal sealed partial class ManifestReader(ManifestOptions options, List<string> errors, List<string> warnings)
{
    /// <summary>File extensions read from folders, as <c>kubectl apply -f DIR</c> does.</summary>
    public static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public List<ManifestObject> Objects { get; } = [];

    /// <summary>The objects of kinds cluster DNS does not use, in the order read.</summary>
    public List<SkippedManifestObject> Skipped { get; } = [];

    /// <summary>The files read, in order.</summary>
    public List<string> Files { get; } = [];

    /// <summary>Reads a file, or every manifest file of a folder (not its subfolders) in name order.</summary>
    public void ReadPath(string path)
    {
        if (Directory.Exists(path))
        {
            var files = FolderFiles(path);
            if (files.Count == 0)
            {
                warnings.Add($"{path}: the folder has no .yaml, .yml or .json files");
            }

            foreach (var file in files)
            {
                ReadFile(file);
            }

            return;
        }

        ReadFile(path);
    }

    /// <summary>The manifest files of a folder (not its subfolders), in the name order they are read in.</summary>
    public static List<string> FolderFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    public void ReadText(string source, string text)
    {
        List<YamlTreeDocument> documents;
        try
        {
            documents = YamlTreeNode.Parse(ref text);
        }
        catch (YamlTreeException e)
        {
            var message = e.InnerException is YamlException yaml ? Describe(yaml) : e.Message;
            errors.Add($"{source}: document {e.Document}: {message}{ObjectSource.Position(e.Start)}");
            return;
        }

        foreach (var document in documents)
        {
            if (document.Root is null || IsNull(document.Root))
            {
                continue; // an empty document, such as a trailing "---"
            }

            ReadDocument(source, text, document);
        }
    }

    private void ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{path}: no such file or folder"
                : $"{path}: cannot be read: {e.Message}");
            return;
        }

        Files.Add(path);
        ReadText(path, text);
    }

    private void ReadDocument(string file, string text, YamlTreeDocument document)
    {
        var root = document.Root!;
        var where = new ObjectSource(file, document.Number, item: null, root);
        if (root.Kind != YamlTreeNodeKind.Mapping)
        {
            errors.Add($"{where}: a Kubernetes object must be a mapping with apiVersion and kind{ObjectSource.Position(root.Start)}");
            return;
        }

        var kind = root.ScalarAt("kind");
        var apiVersion = root.ScalarAt("apiVersion");
        if (kind is not null && kind.EndsWith("List", StringComparison.Ordinal) && root["items"] is { } items)
        {
            if (items.Kind != YamlTreeNodeKind.Sequence)
            {
                if (!IsNull(items))
                {
                    errors.Add($"{where} ({kind}): items: expected a list{ObjectSource.Position(items.Start)}");
                }

                return;
            }

            // Typed lists (ServiceList) may leave kind and apiVersion out of their items.
            var itemKind = kind == "List" ? null : kind[..^"List".Length];
            for (var i = 0; i < items.Items.Count; i++)
            {
                var item = items.Items[i];
                var itemWhere = new ObjectSource(file, document.Number, i, item);
                if (item.Kind != YamlTreeNodeKind.Mapping)
                {
                    errors.Add($"{itemWhere}: a Kubernetes object must be a mapping with apiVersion and kind{ObjectSource.Position(item.Start)}");
                    continue;
                }

                ReadObject(text, itemWhere, item.ScalarAt("apiVersion") ?? (itemKind is null ? null : apiVersion), item.ScalarAt("kind") ?? itemKind);
            }

            return;
        }

        ReadObject(text, where, apiVersion, kind);
    }

    private void ReadObject(string text, ObjectSource where, string? apiVersion, string? kind)
    {
        var node = where.Node!;
        if (kind is null || apiVersion is null)
        {
            var missing = kind is null ? "kind" : "apiVersion";
            errors.Add($"{where}: {missing}: is required{ObjectSource.Position(node.Start)}");
            return;
        }

        var metadata = node["metadata"];
        var name = metadata?.ScalarAt("name");
        var isNamespace = kind == "Namespace";
        var ns = isNamespace ? string.Empty : metadata?.ScalarAt("namespace") ?? options.DefaultNamespace;
        var label = ManifestObject.LabelOf(kind, ns, name ?? "?");
        var type = ModelType(apiVersion, kind) ?? (options.SimulateWorkloads ? WorkloadSimulator.ModelType(apiVersion, kind) : null);
        if (type is null)
        {
            Skipped.Add(new SkippedManifestObject(apiVersion, kind, ns, name ?? string.Empty, $"{where} ({label}): skipped: cluster DNS does not use {apiVersion} {kind}"));
            return;
        }

        if (string.IsNullOrEmpty(name))
        {
            errors.Add($"{where} ({kind}): metadata.name: is required{ObjectSource.Position((metadata ?? node).Start)}");
            return;
        }

        object? model;
        try
        {
            model = Deserialize(type, node.ExtractText(text));
        }
        catch (YamlException e)
        {
            var mark = node.ToFileMark(e.Start);
            var (path, at) = node.PathAt(mark);
            var message = Describe(e, at);
            errors.Add(path.Length == 0
                ? $"{where} ({label}): {message}{ObjectSource.Position(mark)}"
                : $"{where} ({label}): {path}: {message}{ObjectSource.Position(mark)}");
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or NullReferenceException or IndexOutOfRangeException)
        {
            // KubernetesClient's YAML layer wraps what it understands in YamlException; anything else is still a
            // problem of this object's text, not a reason to abort the load.
            errors.Add($"{where} ({label}): cannot be read: {e.Message}{ObjectSource.Position(node.Start)}");
            return;
        }

        if (model is null)
        {
            return;
        }

        // Objects from typed lists may lack kind and apiVersion; fill them in, and the default namespace.
        if (model is IKubernetesObject<V1ObjectMeta> typed)
        {
            typed.Kind ??= kind;
            typed.ApiVersion ??= apiVersion;
            typed.Metadata ??= new V1ObjectMeta { Name = name };
            if (!isNamespace)
            {
                typed.Metadata.NamespaceProperty ??= ns;
            }
        }

        Objects.Add(new ManifestObject(kind, ns, name, model, where));
    }

    /// <summary>The KubernetesClient model of the kinds cluster DNS reads; null for every other kind.</summary>
    public static Type? ModelType(string apiVersion, string kind) => (apiVersion, kind) switch
    {
        ("v1", "Service") => typeof(V1Service),
        ("v1", "Endpoints") => typeof(V1Endpoints),
        ("v1", "Pod") => typeof(V1Pod),
        ("v1", "Namespace") => typeof(V1Namespace),
        ("discovery.k8s.io/v1", "EndpointSlice") => typeof(V1EndpointSlice),
        _ => null,
    };

    private static object? Deserialize(Type type, string text) => type switch
    {
        _ when type == typeof(V1Service) => KubernetesYaml.Deserialize<V1Service>(text, strict: true),
        _ when type == typeof(V1Endpoints) => KubernetesYaml.Deserialize<V1Endpoints>(text, strict: true),
        _ when type == typeof(V1Pod) => KubernetesYaml.Deserialize<V1Pod>(text, strict: true),
        _ when type == typeof(V1Namespace) => KubernetesYaml.Deserialize<V1Namespace>(text, strict: true),
        _ when type == typeof(V1EndpointSlice) => KubernetesYaml.Deserialize<V1EndpointSlice>(text, strict: true),
        _ => WorkloadSimulator.Deserialize(type, text),
    };

    private static bool IsNull(YamlTreeNode node) =>
        node.Kind == YamlTreeNodeKind.Scalar && (node.Value is null or "" or "~" or "null");

    /// <summary>Says what was wrong in words, from YamlDotNet's exception and the offending node.</summary>
    private static string Describe(YamlException e, YamlTreeNode? at = null)
    {
        var value = at is { Kind: YamlTreeNodeKind.Scalar, Value: { } v } ? $"'{v}'" : "the value";
        var inner = e.InnerException;
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
        {
            return "unknown field";
        }

        if (at is { Kind: not YamlTreeNodeKind.Scalar } && (inner?.Message ?? e.Message).StartsWith("No node deserializer", StringComparison.Ordinal))
        {
            return $"expected a single value, not {(at.Kind == YamlTreeNodeKind.Sequence ? "a list" : "a mapping")}";
        }

        var shape = WrongShape().Match(e.Message);
        if (shape.Success)
        {
            return $"expected {Shape(shape.Groups[1].Value)}, not {Shape(shape.Groups[2].Value)}";
        }

        return inner switch
        {
            FormatException f when f.Message.Contains("Boolean", StringComparison.Ordinal) => $"{value} is not true or false",
            FormatException f when f.Message.Contains("DateTime", StringComparison.Ordinal) => $"{value} is not a valid timestamp",
            FormatException => $"{value} is not a number",
            OverflowException => $"{value} is out of range",
            InvalidCastException c when c.Message.Contains("IList", StringComparison.Ordinal) || c.Message.Contains("IDictionary", StringComparison.Ordinal) =>
                $"expected {(c.Message.Contains("IList", StringComparison.Ordinal) ? "a list" : "a mapping")}, not {value}",
            InvalidCastException => $"expected a mapping, not {value}",
            not null => inner.Message,
            null => StripPosition(e.Message),
        };

        static string Shape(string yamlEvent) => yamlEvent switch
        {
            "MappingStart" => "a mapping",
            "SequenceStart" => "a list",
            "Scalar" => "a single value",
            _ => yamlEvent,
        };
    }

    private static string StripPosition(string message) => PositionPrefix().Replace(message, string.Empty).Trim();

    [GeneratedRegex(@"^Property '([^']*)' not found on type")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"Expected '(\w+)', got '(\w+)'")]
    private static partial Regex WrongShape();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):?")]
    private static partial Regex PositionPrefix();
}
