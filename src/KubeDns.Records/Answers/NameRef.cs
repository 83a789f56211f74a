using System.Runtime.InteropServices;

namespace KubeDns.Records.Answers;

/// <summary>
/// A name inside a stored record. Names the library makes up are kept relative to the cluster zone so that the
/// zone can be spelled as the query spelled it (specification.md §6.4); other names are absolute.
/// </summary>
/// <param name="Text">
/// Zone-relative: the lower-case labels before the zone, each followed by a dot (<c>kiada.kiada.svc.</c>; empty
/// for the apex). Absolute: the full name without its trailing dot (<c>worldtimeapi.org</c>).
/// </param>
/// <param name="IsZoneRelative">True when the zone is appended when the name is written.</param>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct NameRef(string Text, bool IsZoneRelative)
{
    public static NameRef Relative(string text) => new(text, IsZoneRelative: true);

    public static NameRef Absolute(string text) => new(text, IsZoneRelative: false);
}
