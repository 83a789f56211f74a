namespace KubeDns.Records.Tool;

/// <summary>The entry point of <c>kubedns</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => KubeDnsCli.RunAsync(args, Console.Out, Console.Error);
}
