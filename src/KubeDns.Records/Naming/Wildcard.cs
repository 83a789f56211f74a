namespace KubeDns.Records.Naming;

/// <summary>
/// Wildcard labels (specification.md §10): <c>*</c> or <c>any</c> in any case; in port and protocol positions also
/// <c>_*</c> and <c>_any</c>. Names under <c>pod.&lt;zone&gt;</c> never have wildcards.
/// </summary>
internal static class Wildcard
{
    public const int MaxLabels = 4;

    public static bool IsWildcard(ReadOnlySpan<char> label) =>
        label is "*" || DnsLabels.EqualsIgnoreCase(label, "any");

    /// <summary>A port or protocol label that is a wildcard, with or without the underscore.</summary>
    public static bool IsServiceLabelWildcard(ReadOnlySpan<char> label) =>
        IsWildcard(label) || (label.Length > 1 && label[0] == '_' && IsWildcard(label[1..]));

    /// <summary>
    /// True when a zone-relative name is <c>… .svc</c> with one to four labels before <c>svc</c> and a wildcard in
    /// one of their positions.
    /// </summary>
    public static bool IsWildcardQuery(ReadOnlySpan<char> relative)
    {
        if (!TrySplit(relative, out var labels, out var count))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var label = relative[labels[i]];
            var servicePosition = count == 4 && i < 2 || count == 3 && i == 0 && label.Length > 0 && label[0] == '_';
            if (servicePosition ? IsServiceLabelWildcard(label) : IsWildcard(label))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits <c>l1.l2.…ln.svc</c> into the labels before <c>svc</c> (1 ≤ n ≤ 4), left to right.</summary>
    public static bool TrySplit(ReadOnlySpan<char> relative, out LabelRanges labels, out int count)
    {
        labels = default;
        count = 0;
        var suffix = OwnerNames.ServiceSuffix.Length;
        if (relative.Length <= suffix || !DnsLabels.EqualsIgnoreCase(relative[^suffix..], OwnerNames.ServiceSuffix))
        {
            return false;
        }

        var body = relative[..^suffix];
        foreach (var range in body.Split('.'))
        {
            if (count == MaxLabels)
            {
                return false;
            }

            labels[count++] = range;
        }

        return true;
    }

    [System.Runtime.CompilerServices.InlineArray(MaxLabels)]
    internal struct LabelRanges
    {
        private Range _element;
    }
}
