namespace KubeDns.Records.Kubernetes.Tests.Feed;

/// <summary>
/// Asks the same questions over and over on a thread of its own while a test changes the cluster, and remembers
/// every distinct answer: what a client polling the server would have seen.
/// </summary>
internal sealed class AnswerProbe : IDisposable
{
    private readonly ClusterState _state;
    private readonly (string Name, RecordType Type)[] _questions;
    private readonly Dictionary<string, HashSet<string>> _seen = [];
    private readonly Lock _lock = new();
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _rounds;

    public AnswerProbe(ClusterState state, params (string Name, RecordType Type)[] questions)
    {
        _state = state;
        _questions = questions;
        _thread = new Thread(Run) { IsBackground = true, Name = "answer probe" };
        _thread.Start();
    }

    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Every distinct answer seen for the question, as <see cref="FeedFixture.Dig(ClusterState, string, RecordType)"/> prints it.</summary>
    public IReadOnlyCollection<string> Seen(string name)
    {
        lock (_lock)
        {
            return _seen.TryGetValue(name, out var answers) ? [.. answers] : [];
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stop)
        {
            foreach (var (name, type) in _questions)
            {
                var answer = FeedFixture.Dig(_state, name, type);
                lock (_lock)
                {
                    if (!_seen.TryGetValue(name, out var answers))
                    {
                        _seen[name] = answers = [];
                    }

                    answers.Add(answer);
                }
            }

            Interlocked.Increment(ref _rounds);
            Thread.Sleep(1);
        }
    }
}
