using System.Runtime.InteropServices;

namespace KubeDns.Records.Answers;

/// <summary>The SOA fields that do not fit in <see cref="StoredRecord"/> (RFC 1035 §3.3.13).</summary>
internal sealed record SoaFields(NameRef ResponsibleMailbox, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum);
