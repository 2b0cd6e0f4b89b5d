"""Physics and simulation loops: integrators, while loops with tolerances, early
returns, energies."""
import numpy as np

from .registry import program, randn


@program(np.array([1.0, 0.0]), 0.4)
def harmonic_oscillator_euler(state, k):
    x, v = state[0], state[1]
    dt = 0.05
    for _ in range(40):
        a = -k * x
        v = v + dt * a
        x = x + dt * v
    return x ** 2 + v ** 2


program(np.array([1.0, 0.0]), 0.4, wrt=1)(harmonic_oscillator_euler)


@program(np.array([0.3, 0.8, -0.2]))
def pendulum_rk2(theta):
    dt = 0.1
    omega = np.zeros_like(theta)
    for _ in range(10):
        k1 = -np.sin(theta)
        mid_theta = theta + 0.5 * dt * omega
        mid_omega = omega + 0.5 * dt * k1
        theta = theta + dt * mid_omega
        omega = omega - dt * np.sin(mid_theta)
    return np.sum(theta ** 2 + omega)


@program(2.0)
def newton_sqrt(a):
    x = a
    it = 0
    while it < 20:
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < 1e-12:
            return x_new
        x = x_new
        it += 1
    return x


@program(np.array([0.5, 1.5, -0.3, 0.9]))
def spring_chain_energy(pos):
    k = 2.0
    energy = 0.0
    for i in range(len(pos) - 1):
        stretch = pos[i + 1] - pos[i] - 1.0
        energy += 0.5 * k * stretch ** 2
    return energy + 0.1 * np.sum(pos ** 4)


@program(randn(4, 2))
def gravitational_potential(p):
    n = p.shape[0]
    u = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = p[i] - p[j]
            u = u - 1.0 / np.sqrt(np.sum(d * d) + 0.5)
    return u


@program(0.8)
def projectile_range(angle):
    v0, g, dt = 10.0, 9.81, 0.01
    vx, vy = v0 * np.cos(angle), v0 * np.sin(angle)
    x, y = 0.0, 0.0
    steps = 0
    while steps < 50:
        x = x + vx * dt
        y = y + vy * dt
        vy = vy - g * dt
        steps += 1
    return x * y


@program(np.linspace(0.0, 1.0, 6))
def heat_equation_step(u):
    alpha = 0.1
    for _ in range(5):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u = u + alpha * lap
    return np.sum(u ** 2)


@program(np.array([1.0, 0.5]))
def lotka_volterra(z):
    a, b, c, d = 1.1, 0.4, 0.4, 0.1
    dt = 0.02
    traj = []
    for _ in range(25):
        x, y = z[0], z[1]
        z = z + dt * np.array([a * x - b * x * y, d * x * y - c * y])
        traj.append(z)
    return np.sum(traj[-1]) + 0.1 * sum(np.sum(s) for s in traj)


@program(np.array([0.1, 0.2, 0.3]))
def early_exit_when_converged(x):
    for i in range(100):
        x = 0.5 * x + 0.1 * np.sin(x)
        if np.max(np.abs(x)) < 1e-3:
            break
    return np.sum(x) * 1e3
