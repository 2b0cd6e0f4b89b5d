"""HT: hand tracking (ADBench / GradBench ``evals/ht``, the "simple" variant: no ``us``).

A hand model of 22 bones (a root, a wrist and five fingers of four bones) skins 544
vertices: 26 pose parameters ``theta`` (global rotation as an angle-axis vector, global
translation, then per finger two angles for its first bone and one for each of the next
two) give every bone a rotation (Euler angles, order x, z, y); the bones' absolute
transforms follow the parents; a vertex is the weighted sum of its bones' transforms
applied to its rest position, then rotated, scaled and translated globally. The
residual of point ``i`` is ``points[i] - vertex[correspondences[i]]``; the Jacobian
(n_points x 3 x 26) is taken with ``tl.jacfwd``. The model (rest transforms, weights,
rest positions) and the points come from a fixed seed; sizes 100, 800 and 6400 points
as ADBench's hand1, hand5 and a larger instance.
"""
from __future__ import annotations

import numpy as np

N_BONES = 22
N_VERTS = 544


def parents():
    out = [-1, 0]
    for finger in range(5):
        out += [1] + [2 + 4 * finger + k for k in range(3)]
    return np.array(out)


def _rot(rng):
    a = rng.standard_normal(3) * 0.3
    return euler_angles_to_rotation_matrix(a)


def make_model(seed=0):
    rng = np.random.default_rng(seed)
    par = parents()
    rel = np.zeros((N_BONES, 4, 4))
    for i in range(N_BONES):
        rel[i, :3, :3] = _rot(rng)
        rel[i, :3, 3] = rng.standard_normal(3) * 0.5
        rel[i, 3, 3] = 1.0
    absolute = np.zeros_like(rel)
    for i in range(N_BONES):
        absolute[i] = rel[i] if par[i] < 0 else absolute[par[i]] @ rel[i]
    inv_abs = np.linalg.inv(absolute)
    positions = np.ones((4, N_VERTS))
    positions[:3] = rng.standard_normal((3, N_VERTS))
    weights = rng.random((N_BONES, N_VERTS)) ** 4
    weights /= np.sum(weights, axis=0)
    return dict(parents=par, base_relatives=rel, inverse_base_absolutes=inv_abs,
                base_positions=positions, weights=weights)


def make_input(npoints, seed=0):
    rng = np.random.default_rng(seed + npoints)
    model = make_model(seed)
    theta = 0.3 * rng.standard_normal(26)
    theta[0:3] = [0.4, -0.2, 0.3]
    corr = rng.integers(0, N_VERTS, npoints)
    verts = skinned_vertices(0.3 * rng.standard_normal(26) + 0.1, **model)
    points = verts[corr] + 0.01 * rng.standard_normal((npoints, 3))
    return dict(theta=theta, **model, correspondences=corr, points=points)


def to_pose_params(theta):
    rows = [theta[0:3], np.ones(3), theta[3:6], np.zeros(3), np.zeros(3)]
    i = 6
    for finger in range(5):
        rows.append(np.array([theta[i], theta[i + 1], 0.0]))
        rows.append(np.array([theta[i + 2], 0.0, 0.0]))
        rows.append(np.array([theta[i + 3], 0.0, 0.0]))
        rows.append(np.zeros(3))
        i = i + 4
    return np.stack(rows)


def euler_angles_to_rotation_matrix(xzy):
    tx, ty, tz = xzy[0], xzy[2], xzy[1]
    Rx = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(tx), -np.sin(tx)], [0.0, np.sin(tx), np.cos(tx)]])
    Ry = np.array([[np.cos(ty), 0.0, np.sin(ty)], [0.0, 1.0, 0.0], [-np.sin(ty), 0.0, np.cos(ty)]])
    Rz = np.array([[np.cos(tz), -np.sin(tz), 0.0], [np.sin(tz), np.cos(tz), 0.0], [0.0, 0.0, 1.0]])
    return np.dot(np.dot(Rz, Ry), Rx)


def angle_axis_to_rotation_matrix(angle_axis):
    n = np.sqrt(np.sum(angle_axis * angle_axis))
    if n < 0.0001:
        return np.eye(3)
    x, y, z = angle_axis[0] / n, angle_axis[1] / n, angle_axis[2] / n
    s, c = np.sin(n), np.cos(n)
    return np.array([[x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
                     [x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s],
                     [x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c]])


def skinned_vertices(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
                     weights):
    pose = to_pose_params(theta)
    absolutes = []
    for i in range(base_relatives.shape[0]):
        R = euler_angles_to_rotation_matrix(pose[i + 3])
        tr = np.concatenate((np.concatenate((R, np.zeros((3, 1))), axis=1),
                             np.array([[0.0, 0.0, 0.0, 1.0]])), axis=0)
        relative = np.dot(base_relatives[i], tr)
        if parents[i] == -1:
            absolutes.append(relative)
        else:
            absolutes.append(np.dot(absolutes[parents[i]], relative))
    transforms = np.stack([np.dot(absolutes[i], inverse_base_absolutes[i])
                           for i in range(len(absolutes))])
    posed = np.matmul(transforms, base_positions)                   # (bones, 4, verts)
    positions = np.sum(posed * weights[:, None, :], axis=0)[0:3]    # (3, verts)
    R = angle_axis_to_rotation_matrix(pose[0]) * pose[1]
    return np.transpose(np.dot(R, positions)) + pose[2]


def objective(theta, parents, base_relatives, inverse_base_absolutes, base_positions,
              weights, correspondences, points):
    verts = skinned_vertices(theta, parents, base_relatives, inverse_base_absolutes,
                             base_positions, weights)
    return points - verts[correspondences]
