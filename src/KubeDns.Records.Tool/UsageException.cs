namespace KubeDns.Records.Tool;

/// <summary>Bad arguments: reported as <c>kubedns: error: …</c> with exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
