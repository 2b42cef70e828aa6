using System;
using System.Diagnostics;
using System.Threading;

namespace SshKeepAlive.Testing
{
    public static class Wait
    {
        /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="limit"/> has passed (false).</summary>
        public static bool Until(Func<bool> condition, TimeSpan limit)
        {
            var waited = Stopwatch.StartNew();
            while (!condition())
            {
                if (waited.Elapsed > limit)
                {
                    return false;
                }

                Thread.Sleep(50);
            }

            return true;
        }
    }
}
