using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>The shape of a <see cref="YamlTreeNode"/>.</summary>
internal enum YamlTreeNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>
/// A YAML node with the positions of its first and last character in the source text. YamlDotNet's representation
/// model keeps only the start of a collection, so this small tree is built from the parser's events instead: the
/// span of each object lets the loader hand exactly that object to KubernetesClient, and the positions let errors
/// name a line and column.
/// </summary>
internal sealed class YamlTreeNode
{
    private YamlTreeNode(YamlTreeNodeKind kind, Mark start)
    {
        Kind = kind;
        Start = start;
        End = start;
    }

    private bool _isFlow;

    public YamlTreeNodeKind Kind { get; }

    public Mark Start { get; }

    /// <summary>Just past the node: for a block collection, where the next token starts.</summary>
    public Mark End { get; private set; }

    /// <summary>The text of a scalar (null for collections and for an alias).</summary>
    public string? Value { get; private set; }

    public List<KeyValuePair<YamlTreeNode, YamlTreeNode>> Entries { get; } = [];

    public List<YamlTreeNode> Items { get; } = [];

    public YamlTreeNode? this[string key]
    {
        get
        {
            if (Kind != YamlTreeNodeKind.Mapping)
            {
                return null;
            }

            foreach (var (k, v) in Entries)
            {
                if (k.Kind == YamlTreeNodeKind.Scalar && string.Equals(k.Value, key, StringComparison.Ordinal))
                {
                    return v;
                }
            }

            return null;
        }
    }

    /// <summary>The scalar text at <paramref name="key"/> of a mapping; null when absent, null or not a scalar.</summary>
    public string? ScalarAt(string key)
    {
        var node = this[key];
        return node is { Kind: YamlTreeNodeKind.Scalar, Value: { Length: > 0 } value } && value != "~" && value != "null" ? value : null;
    }

    /// <summary>Parses every document of a YAML (or JSON) text.</summary>
    /// <exception cref="YamlTreeException">The text is not well-formed YAML; carries the document number.</exception>
    public static List<YamlTreeDocument> Parse(string text)
    {
        var documents = new List<YamlTreeDocument>();
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var stack = new Stack<YamlTreeNode>();
        YamlTreeNode? pendingKey = null;
        var pendingKeys = new Stack<YamlTreeNode?>();
        YamlTreeNode? root = null;
        var documentNumber = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        documentNumber++;
                        root = null;
                        break;
                    case DocumentEnd:
                        documents.Add(new YamlTreeDocument(documentNumber, root));
                        break;
                    case Scalar scalar:
                        Add(new YamlTreeNode(YamlTreeNodeKind.Scalar, scalar.Start) { End = scalar.End, Value = scalar.Value });
                        break;
                    case AnchorAlias alias:
                        Add(new YamlTreeNode(YamlTreeNodeKind.Scalar, alias.Start) { End = alias.End });
                        break;
                    case MappingStart mapping:
                        Open(new YamlTreeNode(YamlTreeNodeKind.Mapping, mapping.Start) { _isFlow = mapping.Style == MappingStyle.Flow });
                        break;
                    case SequenceStart sequence:
                        Open(new YamlTreeNode(YamlTreeNodeKind.Sequence, sequence.Start) { _isFlow = sequence.Style == SequenceStyle.Flow });
                        break;
                    case MappingEnd or SequenceEnd:
                        var node = stack.Pop();

                        // A flow collection's end event sits on its closing bracket; the node includes the bracket.
                        var end = parser.Current.Start;
                        node.End = node._isFlow ? new Mark(end.Index + 1, end.Line, end.Column + 1) : parser.Current.End;
                        pendingKey = pendingKeys.Pop();
                        Add(node);
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new YamlTreeException(Math.Max(documentNumber, 1), e.Start, e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // YamlDotNet's scanner fails like this on some malformed input, such as a flow collection left open
            // before a block mapping key ("a: [1, 2" then "b: 3"); the error is the input's, so it gets a position.
            var open = stack.FirstOrDefault(n => n._isFlow);
            var message = open is null
                ? "malformed YAML"
                : string.Create(CultureInfo.InvariantCulture,
                    $"the flow {(open.Kind == YamlTreeNodeKind.Sequence ? "sequence '['" : "mapping '{'")} opened at line {open.Start.Line}, column {open.Start.Column} is not closed");
            throw new YamlTreeException(Math.Max(documentNumber, 1), scanner.CurrentPosition, message, e);
        }

        return documents;

        void Open(YamlTreeNode node)
        {
            pendingKeys.Push(pendingKey);
            pendingKey = null;
            stack.Push(node);
        }

        void Add(YamlTreeNode node)
        {
            if (stack.Count == 0)
            {
                root = node;
                return;
            }

            var parent = stack.Peek();
            if (parent.Kind == YamlTreeNodeKind.Sequence)
            {
                parent.Items.Add(node);
            }
            else if (pendingKey is null)
            {
                pendingKey = node;
            }
            else
            {
                parent.Entries.Add(new(pendingKey, node));
                pendingKey = null;
            }
        }
    }

    /// <summary>
    /// This node's source text, with its first line padded by spaces so that it starts at its original column:
    /// columns in errors about the extract are columns in the file, and <see cref="ToFileMark"/> turns the lines
    /// back into file lines. (Padding with blank lines too would make loading a big file quadratic.)
    /// </summary>
    public string ExtractText(string text)
    {
        var builder = new StringBuilder((int)(End.Index - Start.Index + Start.Column));
        builder.Append(' ', (int)Math.Max(0, Start.Column - 1));
        builder.Append(text, (int)Start.Index, (int)(End.Index - Start.Index));
        return builder.ToString();
    }

    /// <summary>A position in the text of <see cref="ExtractText"/> as a position in the file.</summary>
    public Mark ToFileMark(Mark mark) => new(mark.Index, mark.Line + Start.Line - 1, mark.Column);

    /// <summary>
    /// The manifest path (<c>spec.ports[0].port</c>) of the deepest node at <paramref name="mark"/>, relative to this
    /// node, and that node; a mark on a mapping key gives the key's path.
    /// </summary>
    public (string Path, YamlTreeNode Node) PathAt(Mark mark)
    {
        var path = new StringBuilder();
        var node = this;
        while (true)
        {
            YamlTreeNode? next = null;
            if (node.Kind == YamlTreeNodeKind.Mapping)
            {
                foreach (var (key, value) in node.Entries)
                {
                    if (Contains(key, mark))
                    {
                        AppendKey(path, key.Value ?? "?");
                        return (path.ToString(), key);
                    }

                    if (Contains(value, mark))
                    {
                        AppendKey(path, key.Value ?? "?");
                        next = value;
                        break;
                    }
                }
            }
            else if (node.Kind == YamlTreeNodeKind.Sequence)
            {
                for (var i = 0; i < node.Items.Count; i++)
                {
                    if (Contains(node.Items[i], mark))
                    {
                        path.Append('[').Append(i.ToString(CultureInfo.InvariantCulture)).Append(']');
                        next = node.Items[i];
                        break;
                    }
                }
            }

            if (next is null)
            {
                return (path.ToString(), node);
            }

            node = next;
        }
    }

    /// <summary>
    /// Finds the node at a manifest path such as <c>spec.ports[0].port</c> or
    /// <c>metadata.labels[kubernetes.io/service-name]</c>; null when some step is missing.
    /// </summary>
    public YamlTreeNode? Find(string path)
    {
        var node = this;
        var i = 0;
        while (i < path.Length && node is not null)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }

                var inside = path[(i + 1)..close];
                node = int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? (node.Kind == YamlTreeNodeKind.Sequence && index < node.Items.Count ? node.Items[index] : null)
                    : node[inside];
                i = close + 1;
                continue;
            }

            var end = path.IndexOfAny(['.', '['], i);
            if (end < 0)
            {
                end = path.Length;
            }

            node = node[path[i..end]];
            i = end;
        }

        return node;
    }

    /// <summary>
    /// By line and column, not index: marks from errors about an extract (<see cref="ExtractText"/>) have the file's
    /// lines and columns but the extract's indexes.
    /// </summary>
    private static bool Contains(YamlTreeNode node, Mark mark) =>
        Compare(node.Start, mark) == 0 || (Compare(node.Start, mark) <= 0 && Compare(mark, node.End) < 0);

    private static int Compare(Mark a, Mark b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column);

    private static void AppendKey(StringBuilder path, string key)
    {
        if (key.Contains('.', StringComparison.Ordinal) || key.Contains('/', StringComparison.Ordinal))
        {
            path.Append('[').Append(key).Append(']');
            return;
        }

        if (path.Length > 0)
        {
            path.Append('.');
        }

        path.Append(key);
    }
}

/// <summary>One document of a YAML stream: its 1-based number and its root node (null when empty).</summary>
internal sealed record YamlTreeDocument(int Number, YamlTreeNode? Root);

/// <summary>A YAML syntax error, with the number of the document it was found in and where.</summary>
internal sealed class YamlTreeException(int document, Mark start, string message, Exception inner) : Exception(message, inner)
{
    public int Document { get; } = document;

    public Mark Start { get; } = start;
}
