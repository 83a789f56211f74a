using k8s;
using k8s.Models;

namespace KubeDns.Records.TestUtilities;

// What a list or watch selects: the label and field selectors, parsed as the real server does.
public sealed partial class FakeKubernetesApiServer
{
    /// <summary>What a list or watch asked for: kind, namespace (null for all) and selectors.</summary>
    private sealed record Filter(ResourceKind Kind, string? Namespace, LabelRequirement[] Labels, FieldRequirement[] Fields)
    {
        public bool Matches(IKubernetesObject<V1ObjectMeta> obj)
        {
            if (Namespace is not null && obj.Metadata.NamespaceProperty != Namespace)
            {
                return false;
            }

            var labels = obj.Metadata.Labels;
            foreach (var requirement in Labels)
            {
                if (!requirement.Matches(labels))
                {
                    return false;
                }
            }

            foreach (var requirement in Fields)
            {
                var value = requirement.Field switch
                {
                    "metadata.name" => obj.Metadata.Name,
                    "metadata.namespace" => obj.Metadata.NamespaceProperty ?? "",
                    var field => Kind.Fields[field](obj),
                };
                if ((value == requirement.Value) == requirement.Negated)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private enum LabelOperator
    {
        Equals,
        NotEquals,
        Exists,
        DoesNotExist,
        In,
        NotIn,
    }

    private sealed record LabelRequirement(string Key, LabelOperator Operator, string[] Values)
    {
        public bool Matches(IDictionary<string, string>? labels)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(Key, out value);
            return Operator switch
            {
                LabelOperator.Exists => has,
                LabelOperator.DoesNotExist => !has,
                LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value),
                _ => !has || !Values.Contains(value),
            };
        }
    }

    private sealed record FieldRequirement(string Field, string Value, bool Negated);

    /// <summary>Label and field selector parsing, with the real server's answer (400) to what it cannot parse.</summary>
    private static class Selector
    {
        private static readonly char[] Operators = ['=', '!', '(', ')', ' '];

        public static bool TryParseLabels(string? text, out LabelRequirement[] requirements, out string error)
        {
            var parsed = new List<LabelRequirement>();
            requirements = [];
            error = "";
            foreach (var term in SplitTopLevel(text))
            {
                var requirement = ParseLabel(term);
                if (requirement is null)
                {
                    error = $"unable to parse requirement: {term}";
                    return false;
                }

                parsed.Add(requirement);
            }

            requirements = [.. parsed];
            return true;
        }

        public static bool TryParseFields(string? text, ResourceKind kind, out FieldRequirement[] requirements, out string error)
        {
            var parsed = new List<FieldRequirement>();
            requirements = [];
            error = "";
            foreach (var term in SplitTopLevel(text))
            {
                var negated = term.Contains("!=", StringComparison.Ordinal);
                var parts = term.Split(negated ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
                if (parts.Length != 2 || parts[0].Trim().Length == 0)
                {
                    error = $"invalid selector: '{text}'; can't understand '{term}'";
                    return false;
                }

                var field = parts[0].Trim();
                if (field is not ("metadata.name" or "metadata.namespace") && !kind.Fields.ContainsKey(field))
                {
                    error = $"field label not supported: {field}";
                    return false;
                }

                parsed.Add(new FieldRequirement(field, parts[1].Trim(), negated));
            }

            requirements = [.. parsed];
            return true;
        }

        private static LabelRequirement? ParseLabel(string term)
        {
            if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                return IsKey(key) ? new LabelRequirement(key, LabelOperator.DoesNotExist, []) : null;
            }

            foreach (var (word, op) in new[] { (" notin ", LabelOperator.NotIn), (" in ", LabelOperator.In) })
            {
                var at = term.IndexOf(word, StringComparison.Ordinal);
                if (at > 0)
                {
                    var key = term[..at].Trim();
                    var set = term[(at + word.Length)..].Trim();
                    if (!IsKey(key) || !set.StartsWith('(') || !set.EndsWith(')'))
                    {
                        return null;
                    }

                    var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries);
                    return values.All(IsValue) ? new LabelRequirement(key, op, values) : null;
                }
            }

            foreach (var (symbol, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals) })
            {
                var at = term.IndexOf(symbol, StringComparison.Ordinal);
                if (at > 0)
                {
                    var key = term[..at].Trim();
                    var value = term[(at + symbol.Length)..].Trim();
                    return IsKey(key) && IsValue(value) ? new LabelRequirement(key, op, [value]) : null;
                }
            }

            return IsKey(term) ? new LabelRequirement(term, LabelOperator.Exists, []) : null;
        }

        private static bool IsKey(string key) => key.Length > 0 && key.IndexOfAny(Operators) < 0 && !key.Contains(',', StringComparison.Ordinal);

        private static bool IsValue(string value) => value.IndexOfAny(Operators) < 0 && !value.Contains(',', StringComparison.Ordinal);

        /// <summary>Comma-separated terms, commas inside parentheses (set values) not splitting.</summary>
        private static List<string> SplitTopLevel(string? text)
        {
            var terms = new List<string>();
            if (string.IsNullOrWhiteSpace(text))
            {
                return terms;
            }

            var depth = 0;
            var start = 0;
            for (var i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || (text[i] == ',' && depth == 0))
                {
                    terms.Add(text[start..i].Trim());
                    start = i + 1;
                }
                else if (text[i] == '(')
                {
                    depth++;
                }
                else if (text[i] == ')')
                {
                    depth--;
                }
            }

            return terms;
        }
    }
}
