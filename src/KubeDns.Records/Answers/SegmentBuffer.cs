using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KubeDns.Records.Answers;

/// <summary>Inline storage for a resolution's segments: 12 answer segments (a CNAME chain of 10, its target, spare), authority, additional.</summary>
[InlineArray(SegmentBuffer.Length)]
internal struct SegmentBuffer
{
    public const int Length = 14;
    public const int AnswerCapacity = 12;
    public const int AuthorityIndex = 12;
    public const int AdditionalIndex = 13;

    private Segment _element;
}
