"""The seed's PyTorch3D pipeline, with the scene built once.

Every disc is a fan of ``segments`` triangles around its centre. The colour view goes through
HardPhongShader with an ambient-only light on black; the silhouette through SoftSilhouetteShader
with the seed's BlendParams (sigma) and blur radius log(1/1e-4 - 1) * sigma.

Two silhouettes:

- ``union`` (default): the body fans alone, keeping ``faces_per_pixel`` faces so that the face a
  pixel lies in is always among them. PyTorch3D blends faces one by one, so a fan still shows
  ridges of about 0.75 along its spokes (two faces at distance 0, each with probability 0.5).
- ``seed``: all three discs with 3 faces per pixel, as in the notebook. The three faces kept are
  often ones the pixel lies outside of, so interiors show dark rings and spots; kept for comparison.

A step moves vertices (``Meshes.offset_verts``); it never rebuilds the mesh.
"""

from __future__ import annotations

import torch

from live.config import RenderConfig
from live.render.eyes import EyePose
from live.render.geometry import polygon_ring
from live.sprites import LAYER_DEPTH, LAYER_RGB, Swarm

#: Faces kept per pixel by the seed's silhouette.
SEED_FACES_PER_PIXEL = 3


def fan_mesh_arrays(swarm: Swarm, segments: int, layers: int = 3):
    """Builds the vertices, faces and vertex colours of the swarm's disc fans.

    Args:
        swarm: the creatures (N).
        segments: triangles per fan.
        layers: 1 for the bodies alone, 3 for body, eye and pupil.

    Returns:
        verts: (N * layers * (segments + 1), 3) float, at the start positions.
        faces: (N * layers * segments, 3) int64.
        rgb: (N * layers * (segments + 1), 3) float vertex colours.
        owner: (N * layers * (segments + 1),) int64, the creature of each vertex.
    """
    n, dtype, device = len(swarm), swarm.radii.dtype, swarm.device
    ring = torch.cat([polygon_ring(segments, dtype, device), torch.zeros(1, 2, dtype=dtype, device=device)])
    per_disc = segments + 1
    xy = swarm.start[:, None, None, :] + swarm.radii[:, :layers, None, None] * ring  # (N, L, V, 2)
    depth = torch.tensor(LAYER_DEPTH[:layers], dtype=dtype, device=device)
    z = depth.view(1, layers, 1, 1).expand(n, layers, per_disc, 1)
    verts = torch.cat([xy, z], dim=-1).reshape(-1, 3)
    k = torch.arange(segments, device=device)
    fan = torch.stack([k, (k + 1) % segments, torch.full_like(k, segments)], dim=1)  # (F, 3)
    base = torch.arange(n * layers, device=device).view(-1, 1, 1) * per_disc
    faces = (fan.unsqueeze(0) + base).reshape(-1, 3)
    colors = torch.tensor(LAYER_RGB[:layers], dtype=dtype, device=device)
    rgb = colors.view(1, layers, 1, 3).expand(n, layers, per_disc, 3).reshape(-1, 3)
    owner = torch.arange(n, device=device).repeat_interleave(layers * per_disc)
    return verts, faces, rgb, owner


class MeshRenderer:
    """PyTorch3D rendering of a swarm.

    Args:
        swarm: the creatures; the renderer works on its device.
        settings: size, sigma, segments, silhouette, faces_per_pixel and ambient are used.

    Raises:
        ImportError: PyTorch3D is not installed.
    """

    def __init__(self, swarm: Swarm, settings: RenderConfig):
        from pytorch3d.renderer import (
            BlendParams,
            FoVOrthographicCameras,
            HardPhongShader,
            MeshRasterizer,
            PointLights,
            RasterizationSettings,
            SoftSilhouetteShader,
            TexturesVertex,
        )
        from pytorch3d.renderer import MeshRenderer as P3DMeshRenderer
        from pytorch3d.structures import Meshes

        self.swarm = swarm
        self.settings = settings
        device = swarm.device
        verts, faces, rgb, self._owner = fan_mesh_arrays(swarm, settings.segments, layers=3)
        # For the eyes: each colour vertex's disc and its height above its disc's centre.
        self._layer = torch.arange(3, device=device).repeat_interleave(settings.segments + 1).repeat(len(swarm))
        self._rise = verts[:, 1] - swarm.start[self._owner, 1]  # (V,)
        self._color_mesh = Meshes([verts], [faces], textures=TexturesVertex([rgb]))
        if settings.silhouette == "seed":
            self._sil_mesh, self._sil_owner = self._color_mesh, self._owner
            faces_per_pixel = SEED_FACES_PER_PIXEL
        else:
            body_verts, body_faces, _, self._sil_owner = fan_mesh_arrays(swarm, settings.segments, layers=1)
            self._sil_mesh = Meshes([body_verts], [body_faces])
            faces_per_pixel = settings.faces_per_pixel

        cameras = FoVOrthographicCameras(device=device)
        ambient = (settings.ambient,) * 3
        lights = PointLights(
            ambient_color=(ambient,), diffuse_color=((0, 0, 0),), specular_color=((0, 0, 0),), device=device
        )
        blend = BlendParams(sigma=settings.sigma, background_color=(0.0, 0.0, 0.0))
        hard = RasterizationSettings(image_size=settings.size, blur_radius=0.0, faces_per_pixel=1)
        soft = RasterizationSettings(
            image_size=settings.size, blur_radius=settings.blur_radius, faces_per_pixel=faces_per_pixel
        )
        self._color_renderer = P3DMeshRenderer(
            rasterizer=MeshRasterizer(cameras=cameras, raster_settings=hard),
            shader=HardPhongShader(device=device, cameras=cameras, lights=lights, blend_params=blend),
        )
        self._sil_renderer = P3DMeshRenderer(
            rasterizer=MeshRasterizer(cameras=cameras, raster_settings=soft),
            shader=SoftSilhouetteShader(blend_params=blend),
        )

    @staticmethod
    def _moved(mesh, owner: torch.Tensor, offsets: torch.Tensor):
        """``mesh`` with each creature's vertices moved by its offset (z unchanged)."""
        return mesh.offset_verts(torch.nn.functional.pad(offsets[owner], (0, 1)))

    def silhouette(self, offsets: torch.Tensor) -> torch.Tensor:
        """Soft silhouette, differentiable with respect to ``offsets`` (N, 2); returns (H, W) in [0, 1]."""
        return self.silhouette_of(self._moved(self._sil_mesh, self._sil_owner, offsets))

    @torch.no_grad()
    def color(self, offsets: torch.Tensor, eyes: EyePose | None = None) -> torch.Tensor:
        """Flat-colour view; returns (H, W, 3) RGB in [0, 1].

        ``eyes`` (:mod:`live.render.eyes`) moves each eye and pupil fan by its shift and squashes
        it vertically about its centre; None leaves them centred, as in the seed.
        """
        if eyes is None:
            return self.color_of(self._moved(self._color_mesh, self._owner, offsets))
        shift, squash = eyes.layers()  # (N, 3, 2), (N, 3)
        owner, layer = self._owner, self._layer
        move = offsets[owner] + shift[owner, layer]  # (V, 2)
        move[:, 1] += (squash[owner, layer] - 1.0) * self._rise
        return self.color_of(self._color_mesh.offset_verts(torch.nn.functional.pad(move, (0, 1))))

    def silhouette_of(self, mesh) -> torch.Tensor:
        """Soft silhouette of any scene ``Meshes`` with these settings: (H, W) in [0, 1]."""
        return self._sil_renderer(mesh)[0, ..., 3]

    def color_of(self, mesh) -> torch.Tensor:
        """Colour view of any textured scene ``Meshes``: (H, W, 3) RGB in [0, 1]."""
        return self._color_renderer(mesh)[0, ..., :3]
