using System.Threading;
using System.Threading.Tasks;
using SshKeepAlive.Core.Platform;

namespace SshKeepAlive.Core.Diagnostics
{
    /// <summary>
    /// Lets numbered tickets through in their order, a few at a time: the probes open their connections shortest
    /// first, as many at once as the gate is wide. A ticket whose holder gave up passes its turn on.
    /// </summary>
    internal sealed class OrderedGate
    {
        private readonly object gate = new object();
        private readonly TaskCompletionSource<bool>[] turns;
        private readonly bool[] abandoned;
        private int next;

        public OrderedGate(int tickets)
        {
            turns = new TaskCompletionSource<bool>[tickets];
            abandoned = new bool[tickets];
            for (int i = 0; i < tickets; i++)
            {
                turns[i] = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        /// <summary>Waits for the ticket's turn; when cancelled first, gives the turn up for the next ticket.</summary>
        public async Task EnterAsync(int ticket, CancellationToken cancellationToken)
        {
            try
            {
                await turns[ticket].Task.WaitOrCancelAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (System.OperationCanceledException)
            {
                bool hadTurn;
                lock (gate)
                {
                    abandoned[ticket] = true;
                    hadTurn = turns[ticket].Task.IsCompleted;
                }

                if (hadTurn)
                {
                    Release(1);
                }

                throw;
            }
        }

        /// <summary>Gives <paramref name="count"/> more turns, to the next tickets not given up.</summary>
        public void Release(int count)
        {
            lock (gate)
            {
                while (count > 0 && next < turns.Length)
                {
                    int ticket = next++;
                    turns[ticket].TrySetResult(true);
                    if (!abandoned[ticket])
                    {
                        count--;
                    }
                }
            }
        }
    }
}
