import { expect, test } from 'bun:test'
import { createIdleTimer } from '../../../src/net/idle-timer.ts'

const until = (p: () => boolean) =>
  new Promise<void>(resolve => {
    const check = () => (p() ? resolve() : setTimeout(check, 2))
    check()
  })

test('fires after the idle period and keeps watching if nothing closed', async () => {
  let fired = 0
  const timer = createIdleTimer(20, () => fired++)
  await until(() => fired === 2)
  timer.stop()
  expect(fired).toBe(2)
})

test('stop() prevents any later firing', async () => {
  let fired = 0
  createIdleTimer(10, () => fired++).stop()
  await Bun.sleep(40)
  expect(fired).toBe(0)
})

test('touch() restarts the idle period (injected clock)', async () => {
  let now = 0
  let fired = 0
  const timer = createIdleTimer(
    15,
    () => fired++,
    () => now,
  )
  // The clock moves 10 ms per wake-up but every wake-up is activity, so the timer never fires.
  let wakeups = 0
  const activity = setInterval(() => {
    now += 10
    timer.touch()
    wakeups++
  }, 3)
  await until(() => wakeups >= 20)
  clearInterval(activity)
  expect(fired).toBe(0)
  now += 1000 // then silence
  await until(() => fired === 1)
  timer.stop()
  expect(fired).toBe(1)
})

test('setTimeout() changes the period, counted from the last activity', async () => {
  let now = 0
  let fired = 0
  const timer = createIdleTimer(
    60_000,
    () => fired++,
    () => now,
  )
  now = 100
  timer.setTimeout(50) // already idle for 100 > 50
  await until(() => fired === 1)
  timer.stop()
  expect(fired).toBe(1)
})
